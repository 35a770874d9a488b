//go:build linux

package completion

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/uring"
)

// A conn is one client's connection. It has at most one request in flight,
// a recv or a send, and while it has, buf is the kernel's.
type conn struct {
	fd       int
	buf      []byte
	received int // bytes of buf the last recv filled
	sent     int // of which the sends so far moved this many
}

// bufferSize is what one recv may take: 32 KiB, as the other styles read.
const bufferSize = 32 << 10

// open starts serving a connection the kernel accepted: TCP_NODELAY, so
// that each echo leaves at once, then the first recv.
func (s *Server) open(fd int) {
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
	c := &conn{fd: fd, buf: make([]byte, bufferSize)}
	s.conns[fd] = c
	s.recv(c)
}

// received handles a recv's completion: send back what came, or close at
// the end of the stream, on an error, or when stopping.
func (s *Server) received(c *conn, res int32) {
	switch {
	case res > 0 && !s.stopping:
		c.received, c.sent = int(res), 0
		s.send(c)
	case res < 0:
		s.closeOn(c, "recv", res)
	default: // 0: the client closed its side (every echo is sent), or stopping
		s.close(c)
	}
}

// sent handles a send's completion: a partial send goes on from where it
// stopped; a whole one lets the connection receive again.
func (s *Server) sent(c *conn, res int32) {
	switch {
	case res < 0:
		s.closeOn(c, "send", res)
	case s.stopping:
		s.close(c)
	case c.sent+int(res) < c.received:
		s.stats.PartialSends++
		c.sent += int(res)
		s.send(c)
	default:
		s.recv(c)
	}
}

// recv receives into the connection's buffer. The client of an echo sends
// its next bytes only after it got the last echo back, so the data is
// rarely there yet: RecvPollFirst has the kernel wait for it at once rather
// than try first and fail.
func (s *Server) recv(c *conn) {
	s.prepare(kindRecv, c.fd, func(sqe *uring.SQE) {
		uring.PrepRecv(sqe, c.fd, c.buf, 0)
		sqe.IOPrio |= uring.RecvPollFirst
	})
}

// send sends the bytes received and not yet sent. MSG_NOSIGNAL: a peer gone
// is an EPIPE result, not a signal.
func (s *Server) send(c *conn) {
	s.prepare(kindSend, c.fd, func(sqe *uring.SQE) {
		uring.PrepSend(sqe, c.fd, c.buf[c.sent:c.received], unix.MSG_NOSIGNAL, 0)
	})
}

// closeOn closes c after a request failed. A reset or a vanished peer is a
// client's right, and a cancellation the server's own doing; anything else
// is reported.
func (s *Server) closeOn(c *conn, op string, res int32) {
	switch errno := unix.Errno(-res); errno {
	case unix.ECONNRESET, unix.EPIPE, unix.ECANCELED:
	default:
		s.onError(fmt.Errorf("completion echo: fd %d: %w", c.fd, os.NewSyscallError(op, errno)))
	}
	s.close(c)
}

// close closes a connection with no request in flight: its buffer is the
// program's again, and goes with it.
func (s *Server) close(c *conn) {
	delete(s.conns, c.fd)
	unix.Close(c.fd)
}
