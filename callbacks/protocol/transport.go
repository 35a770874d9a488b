package protocol

import (
	"fmt"
	"io"
	"net/netip"

	"github.com/loopkit/loopkit/callbacks"
)

// A Transport is a protocol's handle on its connection: what it may ask of
// it. Its methods belong to the loop goroutine, like the Protocol's.
//
// Transport is an interface so that a protocol can be tested with a fake
// one, without sockets; the transport of this package is a thin layer
// over a callbacks.Conn.
type Transport interface {
	// Write sends data; it never blocks. What the kernel does not take at
	// once is copied to the write buffer and sent as the peer reads, so
	// data may be reused at once. A failure of the connection comes to
	// ConnectionLost, not here. A Write after Close or WriteEOF is a
	// mistake the loop's error handler hears of.
	Write(data []byte)

	// WriteEOF closes the sending half once the buffer is written (the
	// peer reads end of file); the connection stays open for reading.
	WriteEOF()

	// Close writes what is buffered, then closes the connection; reading
	// stops at once. ConnectionLost(nil) follows.
	Close()

	// Abort closes at once, dropping the buffer; the peer gets a reset.
	// ConnectionLost(nil) follows.
	Abort()

	// PauseReading stops DataReceived calls until ResumeReading: the
	// kernel's buffer fills and TCP makes the peer wait.
	PauseReading()
	ResumeReading()

	// SetWriteBufferLimits sets the marks for FlowControl: PauseWriting
	// when the buffer holds more than high bytes, ResumeWriting when it
	// is back to low or less. It refuses negative marks and low > high.
	SetWriteBufferLimits(high, low int) error

	// WriteBufferSize returns the bytes written but not yet taken by the
	// kernel.
	WriteBufferSize() int

	// LocalAddr and RemoteAddr return the two ends' addresses.
	LocalAddr() netip.AddrPort
	RemoteAddr() netip.AddrPort
}

// The default marks of the write buffer: asyncio's.
const (
	DefaultHighWater = 64 << 10
	DefaultLowWater  = 16 << 10
)

// transport is the Transport of one TCP connection: a callbacks.Conn whose
// callbacks call the protocol's methods.
type transport struct {
	// Set by newTransport, then read-only.
	conn     *callbacks.Conn
	protocol Protocol
	flow     FlowControl // the protocol's, if it has it
	server   *Server     // the server that accepted the connection, or nil

	// Owned by the loop goroutine.
	high, low   int
	writePaused bool   // PauseWriting was called, ResumeWriting not yet
	panicked    string // the protocol method that panicked, if one did
}

// newTransport wires c's callbacks to p. It reads nothing yet: start does
// that, after ConnectionMade.
func newTransport(c *callbacks.Conn, p Protocol, s *Server) *transport {
	t := &transport{conn: c, protocol: p, server: s, high: DefaultHighWater, low: DefaultLowWater}
	t.flow, _ = p.(FlowControl)
	c.OnClose(t.lost)
	c.OnFlush(t.flushed)
	return t
}

// start calls ConnectionMade, then starts reading, unless the protocol
// paused reading or closed the connection meanwhile. Reading starts after
// ConnectionMade, not before, so that a DataReceived can never come first.
func (t *transport) start() {
	ok := false
	defer t.abortUnless(&ok, "ConnectionMade")
	t.protocol.ConnectionMade(t)
	ok = true
	t.conn.OnRead(t.read)
}

// read is the connection's read callback. An error other than io.EOF needs
// nothing here: the connection is closed already, and lost calls
// ConnectionLost with it.
func (t *transport) read(data []byte, err error) {
	switch err {
	case nil:
		t.dataReceived(data)
	case io.EOF:
		if !t.eofReceived() {
			t.conn.Close()
		}
	}
}

// dataReceived is the hot path: one interface call, and a deferred check
// that costs no allocation.
func (t *transport) dataReceived(data []byte) {
	ok := false
	defer t.abortUnless(&ok, "DataReceived")
	t.protocol.DataReceived(data)
	ok = true
}

func (t *transport) eofReceived() bool {
	ok := false
	defer t.abortUnless(&ok, "EOFReceived")
	keepOpen := t.protocol.EOFReceived()
	ok = true
	return keepOpen
}

// abortUnless aborts the connection if the protocol method did not return
// (*ok is still false): it panicked. It does not recover: the panic goes
// on to the loop, which reports it with the stack of where it happened.
func (t *transport) abortUnless(ok *bool, method string) {
	if *ok {
		return
	}
	if t.panicked == "" {
		t.panicked = method
	}
	t.conn.Abort()
}

// lost is the connection's close callback, called once: it calls
// ConnectionLost.
func (t *transport) lost(err error) {
	if t.server != nil {
		delete(t.server.conns, t)
	}
	if t.panicked != "" {
		err = fmt.Errorf("protocol: %s: %w; the connection was aborted", t.panicked, ErrPanicked)
	}
	t.protocol.ConnectionLost(err)
}

// Write, WriteEOF, Close, Abort, PauseReading and ResumeReading are the
// Conn's; see Transport.

func (t *transport) Write(data []byte) {
	t.conn.Write(data, nil)
	t.maybePauseWriting()
}

func (t *transport) WriteEOF()                  { t.conn.CloseWrite() }
func (t *transport) Close()                     { t.conn.Close() }
func (t *transport) Abort()                     { t.conn.Abort() }
func (t *transport) PauseReading()              { t.conn.PauseReading() }
func (t *transport) ResumeReading()             { t.conn.ResumeReading() }
func (t *transport) WriteBufferSize() int       { return t.conn.Buffered() }
func (t *transport) LocalAddr() netip.AddrPort  { return t.conn.LocalAddr() }
func (t *transport) RemoteAddr() netip.AddrPort { return t.conn.RemoteAddr() }
