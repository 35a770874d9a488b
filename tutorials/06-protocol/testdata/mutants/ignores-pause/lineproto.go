// Package lineproto is a known-wrong version for the checks of tutorial
// step 06: Send writes whatever PauseWriting said, and never
// holds anything back.
//
// A protocol object is the callbacks of one connection gathered on one
// value: the transport calls its methods as things happen, and its fields
// are the state those callbacks share. Here that state is the unfinished
// line (bytes arrive cut anywhere) and the messages held back while the
// peer does not read (flow control).
package lineproto

import (
	"bytes"
	"net/netip"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/tutorials/internal/linechat"
)

// A LineProtocol is one connection of a line-based server: it hands each
// line it receives to its handler, and sends the handler's messages,
// holding them back while the peer does not read. It implements
// protocol.Protocol, protocol.FlowControl and linechat.Lines. Its methods
// run on the loop goroutine.
type LineProtocol struct {
	// Set by New, then read-only.
	handler   linechat.Handler
	maxLine   int // bytes of a line kept; the rest, up to "\n", is cut off
	maxQueued int // messages held back at most while writing is paused

	// Owned by the loop goroutine.
	transport protocol.Transport
	line      []byte   // the start of a line whose "\n" has not come yet
	cutting   bool     // line reached maxLine: drop bytes up to the next "\n"
	queue     []string // messages held back while writing is paused, oldest first
	paused    bool     // PauseWriting came, ResumeWriting not yet
	closing   bool     // Close or Abort was called: no more lines
	lost      bool     // ConnectionLost came: the connection is gone
}

// New returns a protocol for one connection that hands lines of at most
// maxLine bytes to h and holds back at most maxQueued messages.
func New(h linechat.Handler, maxLine, maxQueued int) *LineProtocol {
	return &LineProtocol{handler: h, maxLine: maxLine, maxQueued: maxQueued}
}

// ConnectionMade keeps the transport and tells the handler.
func (p *LineProtocol) ConnectionMade(t protocol.Transport) {
	p.transport = t
	p.handler.Opened(p)
}

// DataReceived cuts what arrives into lines and hands each complete one to
// the handler, in order. A chunk may hold part of a line, a line and a
// half, or many lines: what follows the last "\n" waits in p.line for the
// next chunk. p.line never holds more than maxLine bytes.
func (p *LineProtocol) DataReceived(data []byte) {
	for len(data) > 0 && !p.closing {
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			p.keep(data)
			return
		}
		p.keep(data[:end])
		line := string(bytes.TrimSuffix(p.line, []byte("\r")))
		p.line, p.cutting = p.line[:0], false
		data = data[end+1:]
		p.handler.LineReceived(p, line)
	}
}

// keep adds bytes of the unfinished line, at most maxLine in all.
func (p *LineProtocol) keep(part []byte) {
	if p.cutting {
		return
	}
	if room := p.maxLine - len(p.line); len(part) > room {
		part = part[:room]
		p.cutting = true
	}
	p.line = append(p.line, part...)
}

// EOFReceived: the peer will send nothing more. Close writes what is
// queued, then closes.
func (p *LineProtocol) EOFReceived() (keepOpen bool) {
	p.Close()
	return true // Close is on its way: the transport must not close first
}

// ConnectionLost cleans up, once, however the connection ended: nothing is
// sent any more, what was held back is dropped, and the handler is told.
func (p *LineProtocol) ConnectionLost(err error) {
	p.lost = true
	p.queue = nil
	p.line = nil
	p.handler.Closed(p, err)
}

// PauseWriting is called when the transport's buffer is above its
// high-water mark: from now on, Send holds messages back.
func (p *LineProtocol) PauseWriting() { p.paused = true }

// ResumeWriting is called when the peer has caught up: write what was
// held back, oldest first, until the transport pauses writing again.
func (p *LineProtocol) ResumeWriting() {
	p.paused = false
	for len(p.queue) > 0 && !p.paused && !p.lost {
		msg := p.queue[0]
		p.queue = p.queue[1:]
		p.transport.Write([]byte(msg)) // may call PauseWriting before it returns
	}
}

// Send writes msg, or, while writing is paused, holds it back; it returns
// false if maxQueued messages are held back already (see linechat.Lines).
func (p *LineProtocol) Send(msg string) bool {
	switch {
	case p.lost || p.closing:
		return true // nobody to send it to
	}
	// The mistake: paused or not, write; the transport never refuses.
	p.transport.Write([]byte(msg))
	return true
}

// Close writes what is held back, then closes the connection once the
// transport has written it all. No line is handed on after Close.
func (p *LineProtocol) Close() {
	if p.lost || p.closing {
		return
	}
	p.closing = true
	for _, msg := range p.queue {
		p.transport.Write([]byte(msg))
	}
	p.queue = nil
	p.transport.Close()
}

// Abort closes the connection at once, dropping what is held back.
func (p *LineProtocol) Abort() {
	if p.lost {
		return
	}
	p.closing = true
	p.queue = nil
	p.transport.Abort()
}

// RemoteAddr is the peer's address.
func (p *LineProtocol) RemoteAddr() netip.AddrPort { return p.transport.RemoteAddr() }

// Partial returns how many bytes of an unfinished line the protocol holds:
// never more than maxLine, whatever the peer sends.
func (p *LineProtocol) Partial() int { return len(p.line) }
