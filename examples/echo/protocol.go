package echo

import (
	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/loop"
)

// StartProtocol starts the echo server in the style of protocol objects
// (package protocol, asyncio's Protocol): one object per connection, whose
// methods the transport calls.
func StartProtocol(cfg examples.Config) (examples.Server, error) {
	return examples.ServeLoops(cfg, func(l *loop.Loop, addr string, reusePort bool) (examples.LoopServer, error) {
		return examples.ServeProtocol(l, addr, reusePort, func() protocol.Protocol { return &echoProtocol{} })
	})
}

// echoProtocol is one connection. It also implements protocol.FlowControl:
// while the peer does not read (the transport's buffer is above its
// high-water mark), it stops reading from the peer.
type echoProtocol struct {
	transport protocol.Transport
}

// ConnectionMade keeps the transport.
func (p *echoProtocol) ConnectionMade(t protocol.Transport) { p.transport = t }

// DataReceived writes each chunk back.
func (p *echoProtocol) DataReceived(data []byte) { p.transport.Write(data) }

// EOFReceived lets the transport close once the echo is written.
func (p *echoProtocol) EOFReceived() (keepOpen bool) { return false }

// ConnectionLost has nothing to clean up.
func (p *echoProtocol) ConnectionLost(error) {}

// PauseWriting stops reading: what is read could not be written.
func (p *echoProtocol) PauseWriting() { p.transport.PauseReading() }

// ResumeWriting starts reading again.
func (p *echoProtocol) ResumeWriting() { p.transport.ResumeReading() }
