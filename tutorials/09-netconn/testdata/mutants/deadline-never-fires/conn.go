package netconn

import (
	"io"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
)

// A Conn is a TCP connection on a loop, as a net.Conn. Any goroutine may
// call its methods: two Reads at once are served one after the other, a
// Read and a Write and a Close may run at once, and Close wakes the calls
// waiting. Each call is carried out by the loop, which must keep running;
// the Conn holds the loop until it is closed.
type Conn struct {
	s             *socket
	local, remote net.Addr

	readMu  sync.Mutex // one Read at a time
	writeMu sync.Mutex // one Write at a time
}

var _ net.Conn = (*Conn)(nil)

func newConn(s *socket) *Conn {
	return &Conn{s: s, local: sock.TCPAddr(sock.LocalAddr(s.fd)), remote: sock.TCPAddr(sock.RemoteAddr(s.fd))}
}

// Read reads up to len(p) bytes, waiting (in the loop) until some are
// there. It returns io.EOF at the peer's orderly close.
func (c *Conn) Read(p []byte) (int, error) {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	if len(p) == 0 {
		return 0, nil
	}
	n := 0
	err := c.s.call(&c.s.read, newRequest(func() error {
		var err error
		n, err = sock.Read(c.s.fd, p)
		if err == nil && n == 0 {
			return io.EOF
		}
		return err
	}))
	return n, c.opError("read", err)
}

// Write writes all of p, waiting (in the loop) while the send buffer is
// full. On a deadline or an error it returns the bytes written so far.
func (c *Conn) Write(p []byte) (int, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	written := 0
	err := c.s.call(&c.s.write, newRequest(func() error {
		for written < len(p) {
			n, err := sock.Write(c.s.fd, p[written:])
			written += n
			if err != nil {
				return err
			}
		}
		return nil
	}))
	return written, c.opError("write", err)
}

// Close closes the connection. Calls waiting return errors that wrap
// net.ErrClosed, and so do later calls and a second Close.
func (c *Conn) Close() error { return c.opError("close", c.s.closeSocket()) }

// CloseWrite shuts down the sending half: the peer reads end of file.
// net/http looks for it to end a response gracefully.
func (c *Conn) CloseWrite() error {
	r := newRequest(func() error { return sock.CloseWrite(c.s.fd) })
	return c.opError("close", c.s.call(&c.s.write, r))
}

// LocalAddr returns our end's address.
func (c *Conn) LocalAddr() net.Addr { return c.local }

// RemoteAddr returns the peer's address.
func (c *Conn) RemoteAddr() net.Addr { return c.remote }

// SetDeadline sets both deadlines.
func (c *Conn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// SetReadDeadline makes Read fail with a timeout from t on (on the loop's
// clock), a Read waiting when t comes too; the zero t removes it.
func (c *Conn) SetReadDeadline(t time.Time) error {
	return c.opError("set", c.s.postDeadline(&c.s.read, t))
}

// SetWriteDeadline is SetReadDeadline for Write.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	return c.opError("set", c.s.postDeadline(&c.s.write, t))
}

// opError dresses err as package net does, so that code written for it
// recognises it: a *net.OpError, whose Timeout() is true for
// os.ErrDeadlineExceeded, and which errors.Is sees through. nil and io.EOF
// pass unchanged.
func (c *Conn) opError(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	if errno, ok := err.(unix.Errno); ok {
		err = os.NewSyscallError(op, errno)
	}
	return &net.OpError{Op: op, Net: "tcp", Source: c.local, Addr: c.remote, Err: err}
}
