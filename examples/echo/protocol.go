package echo

import (
	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/loop"
)

// serveProtocol is the echo server in the style of protocol objects
// (package protocol, asyncio's Protocol), on one loop: one object per
// connection, whose methods the transport calls. It makes the loop,
// listens, tells the harness where and how to stop, and runs the loop
// until stopped.
func serveProtocol(run *examples.Run) error {
	l, err := loop.New(run.LoopOptions...)
	if err != nil {
		return err
	}
	defer l.Close()
	server, err := protocol.Serve(l, run.Addr, func() protocol.Protocol { return &echoProtocol{} }, callbacks.ReusePort(run.ReusePort))
	if err != nil {
		return err
	}
	// Abort, not Close: Close would wait to write to peers that may never
	// read.
	run.Serving(l, nil, server.Addr(), server.Abort)
	return l.Run()
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
