package coroutines

import (
	"context"
	"io"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// A Conn is a TCP connection for coroutines. Its Read and Write read like
// blocking calls: when the socket is not ready they park the calling
// coroutine, and the loop resumes it when the socket is. Make one with Dial
// or a Listener's Accept.
//
// A Conn belongs to the loop: its methods may be called by the coroutines of
// its hub and by loop callbacks, never by other goroutines. For those, and
// for code written against net.Conn, see NetConn and Bind.
//
// One coroutine may read while another writes and a third closes. Two
// reading at once (or two writing) is a mistake the Conn reports with a
// ConcurrentUseError rather than interleave their data.
//
// Errors are shaped like those of package net, so that code written for it
// recognises them: a *net.OpError whose Err is net.ErrClosed after Close,
// os.ErrDeadlineExceeded (Timeout() true) when a deadline passes, or the
// system call's error (errors.Is(err, syscall.ECONNRESET) after a reset);
// Read returns io.EOF itself at an orderly close.
type Conn struct {
	// Set by newConn, then read-only.
	loop   *loop.Loop
	fd     int
	local  netip.AddrPort
	remote netip.AddrPort

	// Owned by the loop goroutine and the coroutine it runs.
	reader  fdWaiter
	writer  fdWaiter
	drained bool // the last read was short: the socket had no more (see Read)
	closed  bool
	net     *netConn // made by NetConn
}

// newConn wraps fd, a connected non-blocking socket.
func newConn(l *loop.Loop, fd int, remote netip.AddrPort) *Conn {
	c := &Conn{loop: l, fd: fd, local: sock.LocalAddr(fd), remote: remote}
	c.reader.init(c.loop, fd, false, "Conn.Read", "reading")
	c.writer.init(c.loop, fd, true, "Conn.Write", "writing")
	return c
}

// Read reads up to len(p) bytes into p and returns how many it read. It
// returns as soon as some data is there, which may be less than len(p); it
// parks the coroutine of ctx while there is none. At the peer's orderly
// close it returns 0, io.EOF. A cancelled ctx, a passed deadline or Close
// ends the wait with an error.
//
// Read allocates nothing: each call is one read system call, and, when
// there is nothing to read, one park on the Conn's reader waiter, which is
// made once and kept between calls. After a short read (fewer bytes than
// len(p)) the next Read parks first, without the read that would only find
// EAGAIN: see "The read not made" below.
//
// # The read not made
//
// A read that returned less than it was given emptied the socket's receive
// buffer, so the next read, made at once, nearly always fails with EAGAIN:
// in an echo round trip (read, write, read) it is one system call in three.
// So after a short read, Read parks before reading. That is safe because
// readiness is level-triggered on every backend (see loop.Poller): whatever
// is there when the coroutine parks, data, end of file or an error, makes
// the next poll report the fd readable, and the coroutine reads then. A
// guess that was wrong costs one trip through the loop, never a lost
// wake-up. A full read (n == len(p)) guesses nothing: more may be there, and
// Read tries at once, as it does after every wake-up.
//
// gevent and Go's net always try the read first. Go must: its netpoller is
// edge-triggered, and it clears the fd's readiness before each read, so data
// that came before the park would raise no new edge; the read is the only
// way to find it.
func (c *Conn) Read(ctx context.Context, p []byte) (int, error) {
	co, err := current(ctx)
	if err != nil {
		return 0, c.opError("read", err)
	}
	// It does, until it has data, an end of file or an error:
	//   - give up if the Conn is closed or its read deadline passed;
	//   - unless the last read was short, try the read system call;
	//   - park until the socket is readable.
	for {
		if err := c.reader.check(); err != nil {
			return 0, c.opError("read", err)
		}
		if !c.drained {
			n, err := c.readOnce(p)
			if !sock.WouldBlock(err) {
				c.drained = err == nil && n < len(p)
				return n, c.opError("read", err)
			}
		}
		// A wait that fails after the read was skipped reads before it
		// gives up, so that data already there still comes before the
		// error, as it does when the read is made first.
		if err := c.reader.wait(ctx, co); err != nil && !c.drained {
			return 0, c.opError("read", err)
		}
		c.drained = false
	}
}

// readOnce makes one read system call: (n, nil) with data, (0, io.EOF) at
// the peer's orderly close, (0, unix.EAGAIN) with nothing there yet, or the
// system call's error. An empty p reads nothing and returns (0, nil), as in
// package net, rather than a read(2) of 0 bytes, whose 0 would look like end
// of file. Both modes read through it (netconn.go on the loop goroutine).
func (c *Conn) readOnce(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := sock.Read(c.fd, p)
	switch {
	case err != nil:
		return 0, err
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

// Write writes all of p and returns len(p), or fewer bytes and an error. A
// short write (the socket's send buffer took only part of p) filled the
// buffer, so Write parks the coroutine of ctx until the peer has read enough
// to make room, and writes the rest then; it does not first try a write
// that would find EAGAIN, for the reason Read does not (see "The read not
// made"). That park is the backpressure a fast writer feels from a slow
// reader.
func (c *Conn) Write(ctx context.Context, p []byte) (int, error) {
	co, err := current(ctx)
	if err != nil {
		return 0, c.opError("write", err)
	}
	// It does, until all of p is written or an error:
	//   - give up if the Conn is closed or its write deadline passed;
	//   - write what is left;
	//   - if the send buffer is full (a short write, or EAGAIN), park
	//     until the socket is writable.
	written := 0
	for {
		if err := c.writer.check(); err != nil {
			return written, c.opError("write", err)
		}
		n, err := c.writeOnce(p[written:])
		written += n
		switch {
		case written == len(p):
			return written, nil
		case err != nil && !sock.WouldBlock(err):
			return written, c.opError("write", err)
		}
		if err := c.writer.wait(ctx, co); err != nil {
			return written, c.opError("write", err)
		}
	}
}

// writeOnce makes one write system call, unless p is empty.
func (c *Conn) writeOnce(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return sock.Write(c.fd, p)
}

// CloseWrite shuts down the sending half of the connection: the peer reads
// end of file once it has read what was sent, and may still send to us
// (a half-close). Reads go on as before.
func (c *Conn) CloseWrite() error {
	if c.closed {
		return c.opError("close", net.ErrClosed)
	}
	return c.opError("close", sock.CloseWrite(c.fd))
}

// Close closes the connection. A coroutine parked in Read or Write (or a
// goroutine's call through NetConn) is woken and returns an error that wraps
// net.ErrClosed; so do later calls, and a second Close.
func (c *Conn) Close() error {
	if c.closed {
		return c.opError("close", net.ErrClosed)
	}
	c.closed = true
	// The waiters leave the loop before the fd is closed: the number may be
	// reused at once by the next socket, whose waiters must not meet ours.
	c.reader.close()
	c.writer.close()
	if err := unix.Close(c.fd); err != nil {
		return c.opError("close", os.NewSyscallError("close", err))
	}
	return nil
}

// LocalAddr returns the address of our end of the connection.
func (c *Conn) LocalAddr() netip.AddrPort { return c.local }

// RemoteAddr returns the address of the peer.
func (c *Conn) RemoteAddr() netip.AddrPort { return c.remote }

// SetDeadline sets both the read and the write deadline; see
// SetReadDeadline.
func (c *Conn) SetDeadline(t time.Time) error {
	if c.closed {
		return c.opError("set", net.ErrClosed)
	}
	c.reader.setDeadline(t)
	c.writer.setDeadline(t)
	return nil
}

// SetReadDeadline makes Read fail with a timeout (an error wrapping
// os.ErrDeadlineExceeded, whose Timeout() is true) from time t on, including
// a Read that is parked when t comes; a zero t removes the deadline. t is
// read on the loop's clock (the real clock unless the loop was given
// another), and the deadline is a loop timer. Moving the deadline, even
// while a Read waits, replaces the previous one. As in package net, a
// deadline is a point in time, not a timeout per call: it stays passed until
// it is moved.
func (c *Conn) SetReadDeadline(t time.Time) error {
	if c.closed {
		return c.opError("set", net.ErrClosed)
	}
	c.reader.setDeadline(t)
	return nil
}

// SetWriteDeadline is SetReadDeadline for Write. A Write that times out may
// have written part of its data: it returns the count with the error.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	if c.closed {
		return c.opError("set", net.ErrClosed)
	}
	c.writer.setDeadline(t)
	return nil
}

// opError dresses err as package net does, so that code written for net.Conn
// recognises it: a *net.OpError naming the operation and both addresses, a
// raw errno wrapped with its system call's name. nil and io.EOF pass
// through unchanged.
func (c *Conn) opError(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	if errno, ok := err.(unix.Errno); ok {
		err = os.NewSyscallError(op, errno)
	}
	if !c.local.IsValid() { // a Unix-domain socket, whose paths are not kept
		return &net.OpError{Op: op, Net: "unix", Source: sock.UnixAddr(nil), Addr: sock.UnixAddr(nil), Err: err}
	}
	return &net.OpError{Op: op, Net: "tcp", Source: sock.TCPAddr(c.local), Addr: sock.TCPAddr(c.remote), Err: err}
}
