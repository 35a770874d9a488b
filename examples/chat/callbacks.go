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
	return examples.Start(cfg, func(run *examples.Run) error { return serveCallbacks(run, limits) })
}

// serveCallbacks is the chat on one loop: it makes the loop and the chat,
// listens, tells the harness where and how to stop, and runs the loop until
// stopped.
func serveCallbacks(run *examples.Run, limits chatroom.Limits) error {
	l, err := loop.New(run.LoopOptions...)
	if err != nil {
		return err
	}
	defer l.Close()
	c := &callbacksChat{loop: l, limits: limits, room: chatroom.NewRoom(limits), reporter: chatroom.NewReporter(l.ReportError),
		conns: make(map[*callbacks.Conn]struct{})}
	ln, err := callbacks.Listen(l, run.Addr, c.accept, callbacks.ReusePort(run.ReusePort))
	if err != nil {
		return err
	}
	run.Serving(l, nil, ln.Addr(), func() {
		ln.Close()
		for conn := range c.conns {
			conn.Abort()
		}
	})
	return l.Run()
}

// callbacksChat is the server. Only the loop goroutine touches it: no lock.
type callbacksChat struct {
	loop     *loop.Loop
	limits   chatroom.Limits
	room     *chatroom.Room
	reporter *chatroom.Reporter
	// A Listener's Close, like Node's server.close, leaves the connections
	// open: the server's stop aborts them, so it keeps them.
	conns map[*callbacks.Conn]struct{}
}

// callbacksUser is one user. Their reader is the read callback; their
// writer is the chain of write-done callbacks, each of which hands what
// was queued meanwhile to the connection in one write.
//
// Flow control: the user's backlog is what the queue holds plus what the
// connection buffers. Past Limits.HighWater the user tells the room it is
// full, and every sender stops reading (PauseReading) until the flush
// callback sees the backlog down to the low-water mark. Before the user has
// a name, their own reader stops while a reply to them is unsent.
type callbacksUser struct {
	chat  *callbacksChat
	conn  *callbacks.Conn
	lines *chatroom.LineBuffer
	name  string // "" until the user has joined

	queue   []string // messages the writer has not taken yet
	queued  int      // bytes in queue
	out     []byte   // what the writer hands to the connection, reused
	writing bool     // a write is in flight: its done callback takes the queue next

	naming   *timers.Timer    // closes a connection that gives no name in time
	backlog  chatroom.Backlog // tells the room when the user fills and empties
	stall    *timers.Timer    // while full or dropped: drops or aborts a user who takes nothing
	progress bool             // the connection flushed something since stall was set
	dropped  bool             // too slow: write TooSlow after the write in flight
	closed   bool             // the connection is closing or closed
}

// accept starts serving a connection: it asks for the name, gives it
// NameTimeout to come, and sets the read, flush and close callbacks. The
// close callback takes the user out.
func (c *callbacksChat) accept(conn *callbacks.Conn) {
	c.conns[conn] = struct{}{}
	u := &callbacksUser{chat: c, conn: conn, lines: chatroom.NewLineBuffer(c.limits.MaxLine)}
	conn.Write([]byte(chatroom.Prompt), nil)
	u.naming = c.loop.CallLater(c.limits.NameTimeout, u.nameTimedOut)
	conn.OnRead(u.read)
	conn.OnFlush(u.flushed)
	conn.OnClose(u.onClose)
}

// read is the user's reader: it cuts what arrives into lines and handles
// them, and at the end of the stream (or an error) takes the user out.
func (u *callbacksUser) read(data []byte, err error) {
	if err != nil {
		u.leave()
		return
	}
	u.lines.Write(data)
	u.handleLines()
}

// handleLines handles the lines received, until there are none left (then
// it reads on) or it must wait (then it stops reading, and what is left
// waits in the line buffer, at most one read's worth): for the room, or,
// before the user has a name, for the reply to be sent.
func (u *callbacksUser) handleLines() {
	for !u.closed && !u.dropped {
		if u.mustWait() {
			u.conn.PauseReading()
			return
		}
		line, ok := u.lines.Next()
		if !ok {
			u.conn.ResumeReading()
			return
		}
		u.handle(line)
	}
}

// mustWait reports whether the next line must wait: before a name, until
// the reply is flushed (flushed resumes); after, until the room is no
// longer congested (the room calls handleLines).
func (u *callbacksUser) mustWait() bool {
	switch {
	case u.name == "":
		return u.conn.Buffered() > 0
	case u.chat.room.Congested():
		u.chat.room.Wait(u.handleLines)
		return true
	}
	return false
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
		err := u.chat.room.Join(name, from(u.conn.RemoteAddr()), u)
		switch {
		case err == nil:
			u.name = name
			u.naming.Cancel()
			return
		case errors.Is(err, chatroom.ErrFull):
			u.sayLast(chatroom.Full)
			return
		}
		reply = chatroom.NameTaken
	}
	u.conn.Write([]byte(reply+chatroom.Prompt), nil)
}

// nameTimedOut closes a connection that gave no name in time.
func (u *callbacksUser) nameTimedOut() {
	if u.name == "" && !u.closed {
		u.sayLast(chatroom.NameTimedOut)
	}
}

// Send puts msg on the queue, starts the writer if it is idle, and tells
// the room if the backlog is now above the mark. It never refuses.
func (u *callbacksUser) Send(msg string) bool {
	if u.closed {
		return true // the connection is going: nothing to send it to
	}
	u.queue = append(u.queue, msg)
	u.queued += len(msg)
	u.write()
	u.checkBacklog()
	return true
}

// write hands everything queued to the connection in one write, unless a
// write is in flight: then its done callback, written, calls write again.
// So the queue holds what arrives while the peer is slow to take the
// previous write.
func (u *callbacksUser) write() {
	if u.writing || len(u.queue) == 0 || u.closed {
		return
	}
	u.out = u.out[:0]
	for _, msg := range u.queue {
		u.out = append(u.out, msg...)
	}
	clear(u.queue)
	u.queue, u.queued = u.queue[:0], 0
	u.writing = true
	u.conn.Write(u.out, u.written)
}

// written is the done callback of the writer's writes.
func (u *callbacksUser) written(err error) {
	u.writing = false
	switch {
	case err != nil || u.closed:
	case u.dropped:
		u.sayLast(chatroom.TooSlow)
	default:
		u.write()
		u.checkBacklog()
	}
}

// flushed is the connection's flush callback: the peer took something.
// Before a name, an empty buffer lets the reader go on.
func (u *callbacksUser) flushed(buffered int) {
	u.progress = true
	if u.name == "" && buffered == 0 {
		u.handleLines()
		return
	}
	u.checkBacklog()
}

// checkBacklog tells the room when the backlog crosses a mark: above
// HighWater the user is full, and the stall timer starts; at the low-water
// mark the user is drained, which may resume the senders.
func (u *callbacksUser) checkBacklog() {
	backlog := u.queued + u.conn.Buffered()
	switch u.backlog.Check(backlog, u.chat.limits) {
	case chatroom.Filled:
		u.progress = false
		u.stall = u.chat.loop.CallLater(u.chat.limits.DropGrace, u.stalled)
		u.chat.room.Full(u)
	case chatroom.Emptied:
		u.stall.Cancel()
		u.chat.room.Drained(u)
	}
}

// stalled runs DropGrace after the user became full, or was dropped, and
// again each DropGrace while the peer takes something: a user who took
// nothing is dropped, a dropped user who took nothing of the last words is
// aborted.
func (u *callbacksUser) stalled() {
	switch {
	case u.progress:
		u.progress = false
		u.stall = u.chat.loop.CallLater(u.chat.limits.DropGrace, u.stalled)
	case u.dropped:
		u.conn.Abort()
	default:
		u.chat.room.Drop(u.name, u, chatroom.ErrTooSlow)
	}
}

// Drop discards the queue, stops reading (nothing more is said under the
// user's name), and writes TooSlow once the write in flight is done, giving
// the user DropGrace to take something, again and again, or be aborted.
func (u *callbacksUser) Drop() {
	u.dropped, u.progress = true, false
	u.backlog.Stop()
	u.queue, u.queued = nil, 0
	u.conn.OnRead(nil)
	u.stall = u.chat.loop.CallLater(u.chat.limits.DropGrace, u.stalled)
	if !u.writing {
		u.sayLast(chatroom.TooSlow)
	}
}

// sayLast writes the last words, and closes the connection once they are
// written.
func (u *callbacksUser) sayLast(words string) {
	u.conn.Write([]byte(words), nil)
	u.conn.Close()
	u.closed = true
}

// leave hands what is queued to the connection and closes it once
// written, then takes the user out of the room (if still in: a dropped
// user is out already). Closed first: Leave may resume the senders waiting
// for the room, this user's lines among them, which must not be said now.
func (u *callbacksUser) leave() {
	if !u.closed {
		for _, msg := range u.queue {
			u.conn.Write([]byte(msg), nil)
		}
		u.queue = nil
		u.conn.Close()
		u.closed = true
	}
	if u.name != "" {
		u.chat.room.Leave(u.name, u)
	}
}

// onClose runs once the connection has closed, whatever closed it, and
// reports a connection the server could not serve (such as an fd select
// cannot watch), which would otherwise end without a word.
func (u *callbacksUser) onClose(err error) {
	u.naming.Cancel()
	if u.stall != nil {
		u.stall.Cancel()
	}
	u.closed = true
	if u.name != "" {
		u.chat.room.Leave(u.name, u)
	}
	delete(u.chat.conns, u.conn)
	u.chat.reporter.Report(u.chat.loop.Now(), who(u.conn.RemoteAddr()), err)
}
