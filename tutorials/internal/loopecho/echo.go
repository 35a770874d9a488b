// Package loopecho is the echo server that tutorial steps 03 and 04 run on
// a loop: step 03 on the kit's loop over your poller, step 04 on your own
// loop. It talks to the loop only through AddReader, AddWriter,
// RemoveReader and RemoveWriter, so any loop with those methods can run it.
//
// It is written against the raw loop, with non-blocking sockets, as the
// front ends of the kit are underneath: a read that would block (EAGAIN)
// waits for readability, bytes the socket would not take wait for
// writability, and a client that sends faster than it reads is paused
// (its reader removed) until its echo drains. It is not the lesson of
// either step, so it lives here once; package callbacks (step 05) is where
// the same server is the lesson.
package loopecho

import (
	"errors"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
)

// Loop is what the server needs of a loop: waiters for fds. The kit's
// *loop.Loop has these methods, and so does the loop of step 04.
type Loop interface {
	AddReader(fd int, fn func()) error
	AddWriter(fd int, fn func()) error
	RemoveReader(fd int) bool
	RemoveWriter(fd int) bool
}

// Buffering limits of one connection. A client that has highWater bytes
// waiting to be echoed is not read from until fewer than lowWater remain:
// memory per client stays bounded whatever the client does.
const (
	chunk     = 64 << 10
	highWater = 256 << 10
	lowWater  = 64 << 10
)

// A Server echoes every connection made to its listening socket. All its
// methods, and its callbacks, run on the loop goroutine.
type Server struct {
	l      Loop
	ln     int
	addr   netip.AddrPort
	report func(error) // errors that are the server's, not a client's

	conns   map[int]*conn
	scratch []byte // reused by every read: one read runs at a time
	closed  bool
}

// A conn is one client: what was read from it and not yet written back.
type conn struct {
	fd      int
	pending []byte
	eof     bool // the client closed its sending half
	paused  bool // its reader is removed until pending drains
}

// Listen listens on addr and serves on l. report gets the errors that are
// the server's own (a waiter the loop refused), not a client's (a client
// that resets its connection is simply closed).
func Listen(l Loop, addr string, report func(error)) (*Server, error) {
	ln, ap, err := sock.Listen(addr)
	if err != nil {
		return nil, err
	}
	s := &Server{l: l, ln: ln, addr: ap, report: report, conns: map[int]*conn{}, scratch: make([]byte, chunk)}
	if err := l.AddReader(ln, s.accept); err != nil {
		unix.Close(ln)
		return nil, fmt.Errorf("loopecho: %w", err)
	}
	return s, nil
}

// Addr returns the address the server listens on.
func (s *Server) Addr() netip.AddrPort { return s.addr }

// Conns returns the number of clients connected now.
func (s *Server) Conns() int { return len(s.conns) }

// Close stops listening and closes every connection, removing each waiter
// before its fd is closed (see loop.Poller: an fd is dropped, then closed).
func (s *Server) Close() {
	if s.closed {
		return
	}
	s.closed = true
	s.l.RemoveReader(s.ln)
	unix.Close(s.ln)
	for _, c := range s.conns {
		s.closeConn(c)
	}
}

// accept takes every connection waiting on the listener.
func (s *Server) accept() {
	for {
		fd, _, err := sock.Accept(s.ln)
		switch {
		case sock.WouldBlock(err):
			return
		case errors.Is(err, unix.EMFILE) || errors.Is(err, unix.ENFILE):
			s.report(fmt.Errorf("loopecho: accept: %w (raise ulimit -n)", err))
			return
		case err != nil:
			s.report(fmt.Errorf("loopecho: accept: %w", err))
			return
		}
		c := &conn{fd: fd}
		if err := s.l.AddReader(fd, func() { s.read(c) }); err != nil {
			s.report(fmt.Errorf("loopecho: %w", err))
			unix.Close(fd)
			continue
		}
		s.conns[fd] = c
	}
}

// read takes what the client sent and arranges to write it back.
func (s *Server) read(c *conn) {
	n, err := sock.Read(c.fd, s.scratch)
	switch {
	case sock.WouldBlock(err):
		return // woken for nothing: wait for the next readiness
	case err != nil:
		s.closeConn(c) // a reset: the client is gone
		return
	case n == 0:
		c.eof = true
		s.l.RemoveReader(c.fd)
		if len(c.pending) == 0 {
			s.closeConn(c)
		}
		return
	}
	if len(c.pending) == 0 {
		if err := s.l.AddWriter(c.fd, func() { s.write(c) }); err != nil {
			s.report(fmt.Errorf("loopecho: %w", err))
			s.closeConn(c)
			return
		}
	}
	c.pending = append(c.pending, s.scratch[:n]...)
	if len(c.pending) >= highWater {
		c.paused = true
		s.l.RemoveReader(c.fd)
	}
}

// write sends as much of the pending echo as the socket takes.
func (s *Server) write(c *conn) {
	n, err := sock.Write(c.fd, c.pending)
	switch {
	case sock.WouldBlock(err):
		return
	case err != nil:
		s.closeConn(c)
		return
	}
	// Keep the unwritten tail: the socket took n bytes, maybe fewer than
	// asked (a short write). Copy it down so the buffer does not creep.
	c.pending = c.pending[:copy(c.pending, c.pending[n:])]
	if c.paused && len(c.pending) < lowWater {
		c.paused = false
		if err := s.l.AddReader(c.fd, func() { s.read(c) }); err != nil {
			s.report(fmt.Errorf("loopecho: %w", err))
			s.closeConn(c)
			return
		}
	}
	if len(c.pending) > 0 {
		return
	}
	s.l.RemoveWriter(c.fd)
	if c.eof {
		s.closeConn(c)
	}
}

// closeConn removes the client's waiters, then closes its fd.
func (s *Server) closeConn(c *conn) {
	s.l.RemoveReader(c.fd)
	s.l.RemoveWriter(c.fd)
	unix.Close(c.fd)
	delete(s.conns, c.fd)
}
