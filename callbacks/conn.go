package callbacks

import (
	"fmt"
	"io"
	"net/netip"
	"os"
	"sync"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
)

// A Conn is a TCP connection driven by a loop: Listen hands one to its
// accept callback, Dial to its callback. Everything it tells comes back as
// a call of a callback you gave it: OnRead for data and end of stream,
// Write's done for each write, OnClose once at the end.
//
// A Conn belongs to its loop's goroutine: call its methods from callbacks of
// that loop (or before Run, from the goroutine that made the loop).
type Conn struct {
	// Set when the connection is made, then read-only.
	loop       *loop.Loop
	fd         int
	remote     netip.AddrPort
	readableFn func() // c.readable and c.writable, made once, so that
	writableFn func() // registering them with the loop does not allocate

	// Owned by the loop goroutine: reading.
	onRead   func(data []byte, err error)
	reading  bool // c.readable is the loop's reader of fd
	paused   bool // PauseReading was called
	readDone bool // OnRead is not called again: it had io.EOF or an error, or Close was called

	// Owned by the loop goroutine: writing (see write.go).
	out       []byte // bytes accepted by Write, not yet written; out[sent:] is left
	sent      int
	accepted  uint64        // bytes ever put in out
	flushed   uint64        // bytes ever written from out
	dones     []pendingDone // done callbacks of buffered writes, oldest first
	writing   bool          // c.writable is the loop's writer of fd
	onFlush   func(buffered int)
	shutWrite bool // CloseWrite: no more writes; shut down once out is empty
	wroteEOF  bool // the shutdown is done

	// Owned by the loop goroutine: closing (see close.go).
	onClose func(err error)
	local   netip.AddrPort // cached by LocalAddr
	closing bool           // Close: close once out is empty
	closed  bool           // the fd is closed, the waiters removed
	failure error          // what broke the connection, if something did
}

// newConn wraps a connected, non-blocking fd.
func newConn(l *loop.Loop, fd int, remote netip.AddrPort) *Conn {
	c := &Conn{loop: l, fd: fd, remote: remote}
	c.readableFn = c.readable
	c.writableFn = c.writable
	return c
}

// LocalAddr returns the address of our end of the connection. It asks the
// kernel the first time (getsockname), so once the connection is closed it
// knows the address only if it was asked before.
func (c *Conn) LocalAddr() netip.AddrPort {
	if !c.local.IsValid() && !c.closed {
		c.local = sock.LocalAddr(c.fd)
	}
	return c.local
}

// RemoteAddr returns the address of the peer.
func (c *Conn) RemoteAddr() netip.AddrPort { return c.remote }

// OnRead makes fn the connection's read callback and starts reading. fn is
// called with each chunk of data read, in order; then once with io.EOF when
// the peer closes its end in order (it sent FIN: we may still write), or
// with the error that broke the connection (a reset wraps
// unix.ECONNRESET). After io.EOF or an error, fn is not called again.
//
// data is valid only during the call: it is a read buffer that the next
// read of any connection reuses. Copy what you keep. Write may be given data directly: Write copies what it cannot send
// at once.
//
// A later OnRead replaces fn; OnRead(nil) stops reading, as PauseReading.
func (c *Conn) OnRead(fn func(data []byte, err error)) {
	c.onRead = fn
	c.updateReading()
}

// PauseReading stops reading: the kernel's receive buffer fills, and TCP
// makes the peer wait (Node's pause, asyncio's pause_reading). It costs a
// system call on epoll (the fd leaves the interest list), none on select
// and poll.
func (c *Conn) PauseReading() {
	c.paused = true
	c.updateReading()
}

// ResumeReading starts reading again after PauseReading.
func (c *Conn) ResumeReading() {
	c.paused = false
	c.updateReading()
}

// updateReading makes the loop's reader of fd match what is wanted: a read
// callback, not paused, the stream not ended. A reader the poller refuses
// (select cannot watch an fd at or above FD_SETSIZE) breaks the connection,
// with the loop's error, which names the fd and the limit.
func (c *Conn) updateReading() {
	want := c.onRead != nil && !c.paused && !c.readDone && !c.closed
	switch {
	case want && !c.reading:
		if err := c.loop.AddReader(c.fd, c.readableFn); err != nil {
			c.fail(fmt.Errorf("callbacks: reading from %s: %w", c.remote, err))
			return
		}
		c.reading = true
	case !want && c.reading:
		c.loop.RemoveReader(c.fd)
		c.reading = false
	}
}

// readable is the loop's reader of fd. It reads once into a buffer borrowed
// from readBuffers and hands what it got to the read callback. That is the
// hot path: no allocation, one system call; the reader stays registered.
//
// It reads once, not until EAGAIN: readiness is level-triggered, so bytes
// left behind bring us back next iteration, after the other ready fds had
// their turn.
func (c *Conn) readable() {
	buf := readBuffers.Get().(*[readBufferSize]byte)
	n, err := sock.Read(c.fd, buf[:])
	switch {
	case n > 0:
		c.onRead(buf[:n], nil)
	case err == nil:
		c.endOfStream()
	case sock.WouldBlock(err):
		// Someone else's read got there first, or a spurious wake-up.
	default:
		c.fail(fmt.Errorf("callbacks: read from %s: %w", c.remote, os.NewSyscallError("read", err)))
	}
	readBuffers.Put(buf) // not deferred: after a panic, the collector takes it
}

// endOfStream handles the peer's FIN: stop reading (the fd would be readable
// for ever) and tell the read callback, once. The connection stays open:
// half-closed, we may still write, and the user decides when to Close.
func (c *Conn) endOfStream() {
	c.readDone = true
	c.updateReading()
	c.onRead(nil, io.EOF)
}

// readBufferSize is the size of a read buffer: 64 KiB, the largest a UDP
// datagram can be, and enough that a TCP read rarely leaves bytes behind for
// the next iteration.
const readBufferSize = 64 << 10

// readBuffers holds the read buffers not in use. A reader borrows one for a
// read and its callback, then gives it back. The package doc's Discussion
// says why a pool, and not a buffer per loop or per connection.
var readBuffers = sync.Pool{New: func() any { return new([readBufferSize]byte) }}

// callSoon queues fn(err) on l's ready queue. It is how callbacks are told
// what happened inside a call of theirs (a Write that completed at once, a
// Close): never from inside that call, where the caller's state may be
// half-changed, always from the loop. It costs one small allocation: the
// method value outcome.tell, which is also the name a trace shows, the
// same from every caller.
func callSoon(l *loop.Loop, fn func(error), err error) {
	l.CallSoon(outcome{fn, err}.tell)
}

// An outcome is what became of a call: the callback to tell, and the
// error to tell it (nil: it went well).
type outcome struct {
	fn  func(error)
	err error
}

// tell calls the callback with the error. The loop calls it.
func (o outcome) tell() { o.fn(o.err) }
