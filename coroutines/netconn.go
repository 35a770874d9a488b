package coroutines

import (
	"net"
	"sync"
	"time"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
)

// This file and its neighbours netconn_*.go let code written against package
// net (net.Conn, net.Listener, net.PacketConn) run on the loop unchanged:
// bufio.Scanner, encoding/json, crypto/tls, net/http. It is what gevent's
// monkey-patching does for Python's socket module, done the Go way, by
// implementing the interfaces that code already takes. There are two modes:
//
//   - Coroutine mode (netconn_bind.go): c.Bind(ctx) is a net.Conn whose Read
//     and Write park the coroutine of ctx, exactly as c.Read(ctx, p) does.
//     Only that coroutine may use it. A blocking call costs what a
//     coroutine's park costs: a hand-off to the loop goroutine and back.
//   - Goroutine mode (this file): c.NetConn() is a net.Conn that any
//     goroutine may use, as net/http's goroutine per connection does. Each
//     blocking call becomes a request handed to the loop: the goroutine
//     queues it with loop.CallSoonThreadSafe, the loop makes the system
//     call, and if it would block, keeps the request until the fd is
//     ready; then it sends the outcome back over a channel. A blocking call
//     costs a lock and a queue, a write to the loop's wake-up fd (an
//     eventfd) if the loop sleeps in poll, and a channel receive; it
//     allocates, as the loop's remote queue grows afresh after each take.
//
// Go's net does what goroutine mode does without the second goroutine: the
// runtime's netpoller parks the calling goroutine itself (runtime.gopark)
// and readies it when epoll reports its fd. A library cannot reach gopark,
// so the kit hands the call to the goroutine that owns the loop instead.
//
// BenchmarkNetConnRoundTrip measures both against a Go net echo peer. On a
// 2-core AMD EPYC (Linux, Go 1.26, epoll, a busy machine; medians of five),
// a round trip of 64 bytes, a Write and a Read that waits, took 66 µs in
// coroutine mode (as much as Conn.Read and Conn.Write: Bind adds nothing),
// 0 allocations; and 93 µs in goroutine mode, 2 allocations. Most of either
// figure is not the socket work but the Go scheduler moving control from
// the loop's goroutine to another one and back, which both modes must do;
// goroutine mode adds the wake-up and the queue, about 12 µs per blocking
// call here.
//
// Either way the waiting happens in the loop's one poll call, with the
// loop's timers for deadlines: never in Go's netpoller, never on a runtime
// timer.
//
// Goroutine mode honours the whole net.Conn contract: Read, Write and Close
// may be called at once from different goroutines; two Reads at once are
// served one after the other, as in package net (the second waits on a
// mutex, not on the loop); Close wakes every waiting call with an error
// wrapping net.ErrClosed; a deadline in the past fails calls at once, and
// one that passes while a call waits ends it with an error wrapping
// os.ErrDeadlineExceeded, whose Timeout() is true.
//
// An open goroutine-mode socket keeps its loop running (loop.Hold): the
// loop cannot know whether a goroutine is about to call it. Close releases
// it. The loop must keep running while calls are made: a call made while it
// is stopped waits for the next Run, and one made after loop.Close fails
// (the loop's calls queued at Close are dropped, so close the sockets
// first).

// A bridge carries the blocking calls of ordinary goroutines to the loop and
// back for one socket. It keeps the loop held while the socket is open, and
// counts the calls in flight so that the hold outlives the last of them:
// a call that has passed enter is sure to find the loop still running. This
// is the reference count that Go's net keeps for the same reason
// (internal/poll.fdMutex).
type bridge struct {
	// Set by init, then read-only.
	loop    *loop.Loop
	release func() // lets the loop go: loop.Hold's release

	mu     sync.Mutex // guards closed and calls
	closed bool       // Close has begun: new calls fail at once
	calls  int        // calls in flight, Close included
}

// init holds l for the socket.
func (b *bridge) init(l *loop.Loop) {
	b.loop = l
	b.release = l.Hold()
}

// enter counts a call in, or reports false if the socket is closed.
func (b *bridge) enter() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	b.calls++
	return true
}

// enterClose marks the socket closed and counts Close in, or reports false
// if it was closed already.
func (b *bridge) enterClose() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	b.closed = true
	b.calls++
	return true
}

// exit counts a call out. The last call out of a closed socket lets the loop
// go.
func (b *bridge) exit() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls--
	if b.closed && b.calls == 0 {
		b.release()
	}
}

// call hands start to the loop, which starts request r (fdWaiter.submit),
// and waits until the loop finishes it. The request is reused from call to
// call: the caller holds the mutex of its direction.
func (b *bridge) call(start func(), r *request) error {
	if err := b.loop.CallSoonThreadSafe(start); err != nil {
		return err
	}
	<-r.done
	return r.err
}

// run calls fn on the loop goroutine and returns its error. It allocates, so
// it serves the calls that are not on the hot path: Close, CloseWrite.
// Once the loop is closed there is no loop goroutine left to race with, and
// fn runs here (which is how Close still closes the fd).
func (b *bridge) run(fn func() error) error {
	var err error
	done := make(chan struct{})
	if perr := b.loop.CallSoonThreadSafe(func() {
		err = fn()
		close(done)
	}); perr != nil {
		return fn()
	}
	<-done
	return err
}

// post calls fn on the loop goroutine without waiting: the calls a
// goroutine makes later are queued after it (CallSoonThreadSafe keeps
// order), so they see its effect. It serves SetDeadline.
func (b *bridge) post(fn func()) error {
	if !b.enter() {
		return net.ErrClosed
	}
	err := b.loop.CallSoonThreadSafe(func() {
		defer b.exit()
		fn()
	})
	if err != nil {
		b.exit()
	}
	return err
}

// netConn is Conn.NetConn's net.Conn: goroutine mode.
type netConn struct {
	// Set by newNetConn, then read-only.
	c      *Conn
	local  net.Addr // made once: net/http asks for them on every request
	remote net.Addr

	bridge bridge

	readMu  sync.Mutex // one Read at a time; guards the fields below
	read    request    // handed to the loop, which fills readN
	readBuf []byte
	readN   int

	writeMu  sync.Mutex // one Write at a time; guards the fields below
	write    request    // handed to the loop, which advances written
	writeBuf []byte
	written  int

	startRead  func() // the loop's side of Read and Write, made once
	startWrite func()
}

// NetConn returns a net.Conn over c that any goroutine may use (goroutine
// mode; the file netconn.go explains it): pass it to code written for
// package net that runs in goroutines of its own. Every call on it is
// carried out by the loop, which must keep running. It holds the loop
// (loop.Hold) until it is closed: close it when done, as any net.Conn.
//
// NetConn belongs to the loop, like c's other methods: call it from a
// coroutine or a loop callback. It returns the same net.Conn every time.
func (c *Conn) NetConn() net.Conn {
	if c.net == nil {
		c.net = newNetConn(c)
	}
	return c.net
}

// netAddrs returns c's two ends as package net's addresses: *net.TCPAddr,
// from the addresses c keeps, or *net.UnixAddr for a Unix-domain socket.
// That one has no address and port (c.local is the zero AddrPort), so its
// paths are asked of the socket: the listener's path on the accepting end,
// the server's on the dialing end, and "" for the dialing end itself, which
// connects without a name. Once c is closed its fd number may be another
// socket's: then both names are "".
func (c *Conn) netAddrs() (local, remote net.Addr) {
	switch {
	case c.local.IsValid():
		return sock.TCPAddr(c.local), sock.TCPAddr(c.remote)
	case c.closed:
		return sock.UnixAddr(nil), sock.UnixAddr(nil)
	}
	return sock.UnixAddrs(c.fd)
}

func newNetConn(c *Conn) *netConn {
	nc := &netConn{c: c}
	nc.local, nc.remote = c.netAddrs()
	nc.bridge.init(c.loop)
	nc.read.init(nc.readAttempt)
	nc.write.init(nc.writeAttempt)
	nc.startRead = func() { c.reader.submit(&nc.read) }
	nc.startWrite = func() { c.writer.submit(&nc.write) }
	return nc
}

// Read reads as Conn.Read does, from any goroutine.
func (nc *netConn) Read(p []byte) (int, error) {
	if !nc.bridge.enter() {
		return 0, nc.c.opError("read", net.ErrClosed)
	}
	defer nc.bridge.exit()
	nc.readMu.Lock()
	defer nc.readMu.Unlock()
	nc.readBuf, nc.readN = p, 0
	err := nc.bridge.call(nc.startRead, &nc.read)
	// After the request is finished the loop no longer touches p: a Read
	// that timed out may hand its buffer to other code at once.
	nc.readBuf = nil
	return nc.readN, nc.c.opError("read", err)
}

// readAttempt is the read request's system call, on the loop goroutine.
func (nc *netConn) readAttempt() error {
	n, err := nc.c.readOnce(nc.readBuf)
	nc.readN = n
	return err
}

// Write writes all of p as Conn.Write does, from any goroutine.
func (nc *netConn) Write(p []byte) (int, error) {
	if !nc.bridge.enter() {
		return 0, nc.c.opError("write", net.ErrClosed)
	}
	defer nc.bridge.exit()
	nc.writeMu.Lock()
	defer nc.writeMu.Unlock()
	nc.writeBuf, nc.written = p, 0
	err := nc.bridge.call(nc.startWrite, &nc.write)
	nc.writeBuf = nil
	return nc.written, nc.c.opError("write", err)
}

// writeAttempt is the write request's system call, on the loop goroutine:
// it writes what is left until all is written (nil) or the send buffer is
// full (EAGAIN: the loop retries when the socket is writable).
func (nc *netConn) writeAttempt() error {
	for nc.written < len(nc.writeBuf) {
		n, err := nc.c.writeOnce(nc.writeBuf[nc.written:])
		nc.written += n
		if err != nil {
			return err
		}
	}
	return nil
}

// Close closes the connection on the loop goroutine and waits until it is
// closed. Calls waiting in other goroutines return errors wrapping
// net.ErrClosed. The loop is let go once the last call has returned.
func (nc *netConn) Close() error {
	if !nc.bridge.enterClose() {
		return nc.c.opError("close", net.ErrClosed)
	}
	defer nc.bridge.exit()
	return nc.bridge.run(nc.c.Close)
}

// CloseWrite half-closes the connection, as Conn.CloseWrite. net/http looks
// for this method to close connections gracefully.
func (nc *netConn) CloseWrite() error {
	if !nc.bridge.enter() {
		return nc.c.opError("close", net.ErrClosed)
	}
	defer nc.bridge.exit()
	return nc.bridge.run(nc.c.CloseWrite)
}

func (nc *netConn) LocalAddr() net.Addr  { return nc.local }
func (nc *netConn) RemoteAddr() net.Addr { return nc.remote }

// SetDeadline sets both deadlines; see SetReadDeadline.
func (nc *netConn) SetDeadline(t time.Time) error {
	return nc.c.opError("set", nc.bridge.post(func() {
		nc.c.reader.setDeadline(t)
		nc.c.writer.setDeadline(t)
	}))
}

// SetReadDeadline hands the deadline to the loop, which keeps it as
// Conn.SetReadDeadline does, with a loop timer. It does not wait for the
// loop: calls made after it returns are queued after it, and see it.
func (nc *netConn) SetReadDeadline(t time.Time) error {
	return nc.c.opError("set", nc.bridge.post(func() { nc.c.reader.setDeadline(t) }))
}

// SetWriteDeadline is SetReadDeadline for Write.
func (nc *netConn) SetWriteDeadline(t time.Time) error {
	return nc.c.opError("set", nc.bridge.post(func() { nc.c.writer.setDeadline(t) }))
}
