// Package lineserver is the server around the handlers of tutorial steps
// 10 and 11: a line server on the kit's callbacks front end. It cuts what
// each client sends into lines and hands each line to the step's handler,
// on the loop goroutine; the handler answers now (Reply) or later (Later).
// The handler is the lesson of those steps; this package is not, so it
// lives here once.
//
// Answering later is the one subtle part. A client may send a request and
// close its end at once (echo "/lookup alice" | nc ...): the server reads
// the line and the end of the stream in the same callback. A server that
// closed the connection there would drop the answer still on its way, so
// a Conn stays open until every answer promised with Later has been given.
package lineserver

import (
	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/loopserver"
)

// MaxLine is the longest line a handler gets; the rest of a longer line is
// cut off (see chatroom.LineBuffer).
const MaxLine = 1024

// A Handler handles one line of a client, without its "\n", on the loop
// goroutine. It must not block: every other client waits while it runs.
type Handler func(c *Conn, line string)

// A Conn is one client. Its methods belong to the loop goroutine.
type Conn struct {
	conn    *callbacks.Conn
	lines   *chatroom.LineBuffer
	waiting int  // answers promised by Later and not given yet
	ended   bool // the client closed its end: close ours once nothing is waiting
	closed  bool // the connection has closed: answers have nowhere to go
}

// Serve listens on addr (port 0 picks a free one) and calls handle with
// each line of each client. Close the server it returns, on the loop
// goroutine, to stop listening and close every connection.
func Serve(l *loop.Loop, addr string, handle Handler) (*loopserver.CallbacksServer, error) {
	return loopserver.ServeCallbacks(l, addr, false, func(cc *callbacks.Conn) (onClose func(error)) {
		c := &Conn{conn: cc, lines: chatroom.NewLineBuffer(MaxLine)}
		cc.OnRead(func(data []byte, err error) { c.read(data, err, handle) })
		return func(error) { c.closed = true }
	})
}

// read hands each complete line to handle; at the end of the stream (or an
// error) it closes the connection, or leaves that to the last answer still
// promised.
func (c *Conn) read(data []byte, err error, handle Handler) {
	if err != nil {
		c.ended = true
		c.closeIfDone()
		return
	}
	c.lines.Write(data)
	for line, ok := c.lines.Next(); ok && !c.closed; line, ok = c.lines.Next() {
		handle(c, line)
	}
}

// Reply writes text, which should end with "\n", to the client. After the
// connection has closed it does nothing: the client is gone.
func (c *Conn) Reply(text string) {
	if c.closed {
		return
	}
	c.conn.Write([]byte(text), dropError)
}

// dropError is the done of every reply. A reply that fails has nobody to
// tell: a reset reached the read callback already, and a write refused
// after Close means the server aborted the connection (it is stopping)
// before the close callback could mark it closed.
func dropError(error) {}

// Later promises an answer that comes after the handler has returned: the
// connection stays open, even once the client has closed its end, until
// the function returned is called with the answer. Call that function once,
// on the loop goroutine.
func (c *Conn) Later() (answer func(text string)) {
	c.waiting++
	answered := false
	return func(text string) {
		if answered {
			return
		}
		answered = true
		c.waiting--
		c.Reply(text)
		c.closeIfDone()
	}
}

// closeIfDone closes the connection, once what was written has gone out,
// if the client has ended and no answer is still on its way.
func (c *Conn) closeIfDone() {
	if c.ended && c.waiting == 0 && !c.closed {
		c.conn.Close()
	}
}
