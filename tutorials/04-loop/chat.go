package main

import (
	"errors"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/tutorials/internal/linechat"
)

// The talk's chat on your loop (-serve chat).
//
// The kit's chat (examples/chat) cannot run on your loop: the kit's front
// ends (callbacks, protocol, coroutines) are built on the kit's own
// *loop.Loop, its observer and its watchdog, not on an interface. What your
// loop has is what they are made of underneath: waiters for fds. So this
// file serves the talk's chat of step 06 (linechat.Chat, with the texts,
// names and room of internal/chatroom) over raw non-blocking sockets and
// your loop's AddReader and AddWriter, as loopecho serves echo: the
// callbacks style of step 05 written out by hand. Every fd it watches,
// every line it reads and every message it writes goes through your
// RunOnce.

// A chatServer listens, and keeps a chatConn per client. Its methods, and
// its callbacks, run on the loop goroutine.
type chatServer struct {
	l       Loop
	ln      int
	addr    netip.AddrPort
	chat    *linechat.Chat
	limits  chatroom.Limits
	conns   map[int]*chatConn
	scratch []byte // reused by every read: one read runs at a time
	report  func(error)
}

// A chatConn is one client: the linechat.Lines the chat talks to.
type chatConn struct {
	s       *chatServer
	fd      int
	remote  netip.AddrPort
	lines   *chatroom.LineBuffer
	queue   []string // messages not yet written whole
	sent    int      // bytes of queue[0] already written
	closing bool     // Close: close once the queue is written
	gone    bool     // closed: Send drops, no line is delivered
}

// listenChat listens on addr and serves the chat on l.
func listenChat(l Loop, addr string, limits chatroom.Limits, report func(error)) (*chatServer, error) {
	ln, ap, err := sock.Listen(addr)
	if err != nil {
		return nil, err
	}
	s := &chatServer{l: l, ln: ln, addr: ap, chat: linechat.NewChat(limits), limits: limits,
		conns: map[int]*chatConn{}, scratch: make([]byte, 64<<10), report: report}
	if err := l.AddReader(ln, s.accept); err != nil {
		unix.Close(ln)
		return nil, fmt.Errorf("chat: %w", err)
	}
	return s, nil
}

// Close stops listening and closes every connection: nothing is left for
// the loop to wait for.
func (s *chatServer) Close() {
	if s.ln < 0 {
		return
	}
	s.l.RemoveReader(s.ln)
	unix.Close(s.ln)
	s.ln = -1
	for _, c := range s.conns {
		c.end(nil, false)
	}
}

// accept takes every connection waiting on the listener, and has the chat
// greet each.
func (s *chatServer) accept() {
	for {
		fd, remote, err := sock.Accept(s.ln)
		switch {
		case sock.WouldBlock(err):
			return
		case err != nil:
			s.report(fmt.Errorf("chat: accept: %w", err))
			return
		}
		c := &chatConn{s: s, fd: fd, remote: remote, lines: chatroom.NewLineBuffer(s.limits.MaxLine)}
		if err := s.l.AddReader(fd, c.read); err != nil {
			s.report(fmt.Errorf("chat: %w", err))
			unix.Close(fd)
			continue
		}
		s.conns[fd] = c
		s.chat.Opened(c)
	}
}

// read hands each complete line the client sent to the chat.
func (c *chatConn) read() {
	n, err := sock.Read(c.fd, c.s.scratch)
	switch {
	case sock.WouldBlock(err):
		return
	case err != nil:
		c.end(err, false)
		return
	case n == 0:
		c.end(nil, false)
		return
	}
	c.lines.Write(c.s.scratch[:n])
	for line, ok := c.lines.Next(); ok && !c.gone && !c.closing; line, ok = c.lines.Next() {
		c.s.chat.LineReceived(c, line)
	}
}

// Send queues msg and has the loop write it when the socket takes it. A
// client MaxQueued messages behind is too slow: false, and the room drops
// them.
func (c *chatConn) Send(msg string) bool {
	switch {
	case c.gone:
		return true
	case len(c.queue) >= c.s.limits.MaxQueued:
		return false
	case len(c.queue) == 0:
		if err := c.s.l.AddWriter(c.fd, c.write); err != nil {
			c.s.report(fmt.Errorf("chat: %w", err))
			c.Abort()
			return true
		}
	}
	c.queue = append(c.queue, msg)
	return true
}

// write sends as much of the queue as the socket takes; a short write
// leaves the rest of a message for the next readiness.
func (c *chatConn) write() {
	for len(c.queue) > 0 {
		n, err := sock.Write(c.fd, []byte(c.queue[0][c.sent:]))
		switch {
		case sock.WouldBlock(err):
			return
		case err != nil:
			c.end(err, false)
			return
		}
		if c.sent += n; c.sent < len(c.queue[0]) {
			return
		}
		c.queue, c.sent = c.queue[1:], 0
	}
	c.s.l.RemoveWriter(c.fd)
	if c.closing {
		c.end(nil, false)
	}
}

// Close writes what is queued, then closes the connection.
func (c *chatConn) Close() {
	c.closing = true
	if len(c.queue) == 0 {
		c.end(nil, false)
	}
}

// Abort closes the connection at once, with a reset.
func (c *chatConn) Abort() {
	c.end(errAborted, true)
}

// errAborted is what the chat is told of a connection it aborted itself.
var errAborted = errors.New("chat: connection aborted")

// RemoteAddr is the client's address.
func (c *chatConn) RemoteAddr() netip.AddrPort { return c.remote }

// end removes the connection's waiters, closes its fd (with a reset if
// asked, or if messages were left unsent) and tells the chat, once. The
// chat is told from the ready queue, not from here: end may run inside
// the chat's own broadcast (a Send that fails drops a user), which must
// not see the room change under it.
func (c *chatConn) end(err error, reset bool) {
	if c.gone {
		return
	}
	c.gone = true
	c.s.l.RemoveReader(c.fd)
	c.s.l.RemoveWriter(c.fd)
	if reset || len(c.queue) > 0 {
		sock.Abort(c.fd)
	} else {
		unix.Close(c.fd)
	}
	c.queue = nil
	delete(c.s.conns, c.fd)
	c.s.l.CallSoon(func() { c.s.chat.Closed(c, err) })
}
