package chat

import (
	"errors"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// StartCallbacks starts the chat server in the style of raw callbacks
// (package callbacks): each user is a small state machine whose steps are
// the callbacks the loop calls, for data read and for writes done.
func StartCallbacks(cfg examples.Config, limits chatroom.Limits) (examples.Server, error) {
	if cfg.Loops > 1 {
		return nil, errOneLoop
	}
	return examples.ServeLoops(cfg, func(l *loop.Loop, addr string, reusePort bool) (examples.LoopServer, error) {
		c := &callbacksChat{loop: l, limits: limits, room: chatroom.NewRoom(limits.MaxUsers)}
		return examples.ServeCallbacks(l, addr, reusePort, c.accept)
	})
}

// callbacksChat is the server. Only the loop goroutine touches it: no lock.
type callbacksChat struct {
	loop   *loop.Loop
	limits chatroom.Limits
	room   *chatroom.Room
}

// callbacksUser is one user. Their reader is the read callback; their
// writer is the chain of write-done callbacks, each of which hands what
// was queued meanwhile to the connection in one write.
type callbacksUser struct {
	chat  *callbacksChat
	conn  *callbacks.Conn
	lines *chatroom.LineBuffer
	name  string // "" until the user has joined

	queue   []string // messages the writer has not taken yet
	out     []byte   // what the writer hands to the connection, reused
	writing bool     // a write is in flight: its done callback takes the queue next

	dropped bool          // too slow: write TooSlow after the write in flight
	grace   *timers.Timer // aborts a dropped user who does not read it in time
	closed  bool          // the connection has closed
}

// accept starts serving a connection: it asks for the name and sets the
// read callback; the close callback it returns takes the user out.
func (c *callbacksChat) accept(conn *callbacks.Conn) (onClose func(error)) {
	u := &callbacksUser{chat: c, conn: conn, lines: chatroom.NewLineBuffer(c.limits.MaxLine)}
	conn.Write([]byte(chatroom.Prompt), nil)
	conn.OnRead(u.read)
	return u.onClose
}

// read is the user's reader: it cuts what arrives into lines and handles
// each, and at the end of the stream (or an error) takes the user out.
func (u *callbacksUser) read(data []byte, err error) {
	if err != nil {
		u.leave()
		return
	}
	u.lines.Write(data)
	for line, ok := u.lines.Next(); ok && !u.closed; line, ok = u.lines.Next() {
		u.handle(line)
	}
}

// handle takes one line: a name until the user has joined, then a message
// for everyone.
func (u *callbacksUser) handle(line string) {
	if u.name != "" {
		u.chat.room.Say(u.name, line)
		return
	}
	name, reply, ok := chatroom.CheckName(line, u.chat.limits.MaxName)
	if ok {
		err := u.chat.room.Join(name, u.conn.RemoteAddr().Addr().String(), u)
		switch {
		case err == nil:
			u.name = name
			return
		case errors.Is(err, chatroom.ErrFull):
			u.conn.Write([]byte(chatroom.Full), nil)
			u.conn.Close()
			u.closed = true
			return
		}
		reply = chatroom.NameTaken
	}
	u.conn.Write([]byte(reply+chatroom.Prompt), nil)
}

// Send puts msg on the queue if there is room, and starts the writer if it
// is idle.
func (u *callbacksUser) Send(msg string) bool {
	if len(u.queue) >= u.chat.limits.MaxQueued {
		return false
	}
	u.queue = append(u.queue, msg)
	u.write()
	return true
}

// write hands everything queued to the connection in one write, unless a
// write is in flight: then its done callback, written, calls write again.
// So the queue holds what arrives while the peer is slow to take the
// previous write, and it is the queue that fills when the user stops
// reading.
func (u *callbacksUser) write() {
	if u.writing || len(u.queue) == 0 || u.closed {
		return
	}
	u.out = u.out[:0]
	for _, msg := range u.queue {
		u.out = append(u.out, msg...)
	}
	clear(u.queue)
	u.queue = u.queue[:0]
	u.writing = true
	u.conn.Write(u.out, u.written)
}

// written is the done callback of the writer's writes.
func (u *callbacksUser) written(err error) {
	u.writing = false
	switch {
	case err != nil || u.closed:
	case u.dropped:
		u.sayTooSlow()
	default:
		u.write()
	}
}

// Drop discards the queue, stops reading, and writes TooSlow once the write
// in flight is done, giving the user DropGrace to take it.
func (u *callbacksUser) Drop() {
	u.dropped = true
	u.queue = nil
	u.conn.OnRead(nil)
	u.grace = u.chat.loop.CallLater(u.chat.limits.DropGrace, u.conn.Abort)
	if !u.writing {
		u.sayTooSlow()
	}
}

func (u *callbacksUser) sayTooSlow() {
	u.conn.Write([]byte(chatroom.TooSlow), nil)
	u.conn.Close()
	u.closed = true
}

// leave takes the user out of the room (if still in: a dropped user is
// out already), then hands what is queued to the connection and closes it
// once written.
func (u *callbacksUser) leave() {
	if u.name != "" {
		u.chat.room.Leave(u.name, u)
	}
	if u.closed {
		return
	}
	for _, msg := range u.queue {
		u.conn.Write([]byte(msg), nil)
	}
	u.queue = nil
	u.conn.Close()
	u.closed = true
}

// onClose runs once the connection has closed, whatever closed it.
func (u *callbacksUser) onClose(error) {
	if u.grace != nil {
		u.grace.Cancel()
	}
	u.closed = true
	if u.name != "" {
		u.chat.room.Leave(u.name, u)
	}
}
