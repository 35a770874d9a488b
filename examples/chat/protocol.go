package chat

import (
	"errors"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// StartProtocol starts the chat server in the style of protocol objects
// (package protocol, asyncio's Protocol): one object per user, whose
// methods the transport calls: DataReceived for the reader, ResumeWriting
// for the writer.
func StartProtocol(cfg examples.Config, limits chatroom.Limits) (examples.Server, error) {
	if cfg.Loops > 1 {
		return nil, errOneLoop
	}
	return examples.Start(cfg, func(run *examples.Run) error { return serveProtocol(run, limits) })
}

// serveProtocol is the chat on one loop: it makes the loop and the chat,
// listens, tells the harness where and how to stop, and runs the loop until
// stopped.
func serveProtocol(run *examples.Run, limits chatroom.Limits) error {
	l, err := loop.New(run.LoopOptions...)
	if err != nil {
		return err
	}
	defer l.Close()
	c := &protocolChat{loop: l, limits: limits, room: chatroom.NewRoom(limits), reporter: chatroom.NewReporter(l.ReportError)}
	server, err := protocol.Serve(l, run.Addr, c.newUser, callbacks.ReusePort(run.ReusePort))
	if err != nil {
		return err
	}
	// Abort, not Close: Close would wait to write to peers that may never
	// read. Closing first: the transports are aborted one by one, and each
	// user's ConnectionLost tells the others, whose transports may already
	// be aborted (and take no more writes), that the user left.
	run.Serving(l, nil, server.Addr(), func() {
		c.closing = true
		server.Abort()
	})
	return l.Run()
}

// protocolChat is the server. Only the loop goroutine touches it: no lock.
type protocolChat struct {
	loop     *loop.Loop
	limits   chatroom.Limits
	room     *chatroom.Room
	reporter *chatroom.Reporter
	closing  bool // the server is closing: nothing more is written
}

// protocolUser is one user's protocol object. Messages wait in the queue
// until the end of the loop's run phase, when flush, the writer, hands them
// all to the transport in one write.
//
// Flow control is asyncio's: the transport calls PauseWriting when its
// buffer passes the high-water mark and ResumeWriting when it is back at
// the low one, and the user's reader calls PauseReading and ResumeReading.
// Before the user has a name, both marks are 0: a reply not yet sent stops
// the reader. After, they are the room's, and a user whose backlog (queue
// and buffer) passes Limits.HighWater tells the room, which stops every
// sender until it drains.
type protocolUser struct {
	chat      *protocolChat
	transport protocol.Transport
	lines     *chatroom.LineBuffer
	name      string // "" until the user has joined

	queue    []string // messages the writer has not taken yet
	queued   int      // bytes in queue
	out      []byte   // what flush hands to the transport, reused
	flushing bool     // flush is on the loop's ready queue
	paused   bool     // the transport's buffer is above its high-water mark
	flushFn  func()   // u.flush, made once so that queueing it does not allocate
	handed   int      // bytes ever handed to the transport

	naming  *timers.Timer    // closes a connection that gives no name in time
	backlog chatroom.Backlog // tells the room when the user fills and empties
	stall   *timers.Timer    // while full or dropped: drops or aborts a user who takes nothing
	takenAt int              // bytes the peer had taken when stall was set
	dropped bool             // too slow: TooSlow is written when writing resumes
	closed  bool             // Close or Abort was called, or the connection lost
}

// newUser makes the protocol object of a connection.
func (c *protocolChat) newUser() protocol.Protocol {
	u := &protocolUser{chat: c, lines: chatroom.NewLineBuffer(c.limits.MaxLine)}
	u.flushFn = u.flush
	return u
}

// ConnectionMade asks for the name, and gives it NameTimeout to come.
func (u *protocolUser) ConnectionMade(t protocol.Transport) {
	u.transport = t
	t.SetWriteBufferLimits(0, 0)
	u.reply(chatroom.Prompt)
	u.naming = u.chat.loop.CallLater(u.chat.limits.NameTimeout, u.nameTimedOut)
}

// DataReceived is the user's reader: it cuts what arrives into lines and
// handles them.
func (u *protocolUser) DataReceived(data []byte) {
	u.lines.Write(data)
	u.handleLines()
}

// handleLines handles the lines received, until there are none left (then
// it reads on) or it must wait (then it pauses reading, and what is left
// waits in the line buffer, at most one read's worth): for the room, or,
// before the user has a name, for the reply to be sent.
func (u *protocolUser) handleLines() {
	for !u.closed && !u.dropped {
		if u.mustWait() {
			u.transport.PauseReading()
			return
		}
		line, ok := u.lines.Next()
		if !ok {
			u.transport.ResumeReading()
			return
		}
		u.handle(line)
	}
}

// mustWait reports whether the next line must wait: before a name, until
// the reply is sent (ResumeWriting resumes); after, until the room is no
// longer congested (the room calls handleLines).
func (u *protocolUser) mustWait() bool {
	switch {
	case u.name == "":
		return u.paused
	case u.chat.room.Congested():
		u.chat.room.Wait(u.handleLines)
		return true
	}
	return false
}

// handle takes one line: a name until the user has joined, then a message
// for everyone.
func (u *protocolUser) handle(line string) {
	if u.name != "" {
		u.chat.room.Say(u.name, line)
		return
	}
	name, reply, ok := chatroom.CheckName(line, u.chat.limits.MaxName)
	if ok {
		err := u.chat.room.Join(name, from(u.transport.RemoteAddr()), u)
		switch {
		case err == nil:
			u.name = name
			u.naming.Cancel()
			u.transport.SetWriteBufferLimits(u.chat.limits.HighWater, u.chat.limits.LowWater())
			return
		case errors.Is(err, chatroom.ErrFull):
			u.sayLast(chatroom.Full)
			return
		}
		reply = chatroom.NameTaken
	}
	u.reply(reply + chatroom.Prompt)
}

// reply writes text to the user, counting it as handed to the transport.
func (u *protocolUser) reply(text string) {
	u.handed += len(text)
	u.transport.Write([]byte(text))
}

// nameTimedOut closes a connection that gave no name in time.
func (u *protocolUser) nameTimedOut() {
	if u.name == "" && !u.closed {
		u.sayLast(chatroom.NameTimedOut)
	}
}

// EOFReceived hands what is queued to the transport, lets it close once
// that is written, and takes the user out of the room. Closed first: Leave
// may resume the senders waiting for the room, this user's lines among
// them, which must not be said now.
func (u *protocolUser) EOFReceived() (keepOpen bool) {
	u.flush()
	u.closed = true
	u.leave()
	return false
}

// ConnectionLost takes the user out, however the connection ended, and
// reports a connection the server could not serve (such as an fd select
// cannot watch), which would otherwise end without a word.
func (u *protocolUser) ConnectionLost(err error) {
	u.closed = true
	u.naming.Cancel()
	if u.stall != nil {
		u.stall.Cancel()
	}
	u.leave()
	u.chat.reporter.Report(u.chat.loop.Now(), who(u.transport.RemoteAddr()), err)
}

func (u *protocolUser) leave() {
	if u.name != "" {
		u.chat.room.Leave(u.name, u)
	}
}

// Send puts msg on the queue, has the writer called once the loop's run
// phase ends, and tells the room if the backlog is now above the mark. It
// never refuses.
func (u *protocolUser) Send(msg string) bool {
	if u.closed || u.chat.closing {
		return true // the connection is going: nothing to send it to
	}
	u.queue = append(u.queue, msg)
	u.queued += len(msg)
	if !u.flushing && !u.paused {
		u.flushing = true
		u.chat.loop.CallSoon(u.flushFn)
	}
	u.checkBacklog()
	return true
}

// flush is the user's writer: it hands everything queued to the transport
// in one write, unless writing is paused.
func (u *protocolUser) flush() {
	u.flushing = false
	if u.paused || u.closed || u.dropped || u.chat.closing || len(u.queue) == 0 {
		return
	}
	u.out = u.out[:0]
	for _, msg := range u.queue {
		u.out = append(u.out, msg...)
	}
	clear(u.queue)
	u.queue, u.queued = u.queue[:0], 0
	u.handed += len(u.out)
	u.transport.Write(u.out)
	u.checkBacklog()
}

// PauseWriting is called when the transport's buffer passes its high-water
// mark: from now on messages wait in the queue.
func (u *protocolUser) PauseWriting() { u.paused = true }

// ResumeWriting is called when the peer has caught up: before a name, read
// on; after, write the queue (or, for a dropped user, the last words).
func (u *protocolUser) ResumeWriting() {
	u.paused = false
	switch {
	case u.name == "":
		u.handleLines()
	case u.dropped:
		u.sayLast(chatroom.TooSlow)
	default:
		u.flush()
		u.checkBacklog()
	}
}

// checkBacklog tells the room when the backlog crosses a mark: above
// HighWater the user is full, and the stall timer starts; at the low-water
// mark the user is drained, which may resume the senders.
func (u *protocolUser) checkBacklog() {
	backlog := u.queued + u.transport.WriteBufferSize()
	switch u.backlog.Check(backlog, u.chat.limits) {
	case chatroom.Filled:
		u.startStall()
		u.chat.room.Full(u)
	case chatroom.Emptied:
		u.stall.Cancel()
		u.chat.room.Drained(u)
	}
}

// startStall sets the stall timer, noting how much the peer has taken.
func (u *protocolUser) startStall() {
	u.takenAt = u.handed - u.transport.WriteBufferSize()
	u.stall = u.chat.loop.CallLater(u.chat.limits.DropGrace, u.stalled)
}

// stalled runs DropGrace after the user became full, or was dropped, and
// again each DropGrace while the peer takes something: a user who took
// nothing is dropped, a dropped user who took nothing of the last words is
// aborted.
func (u *protocolUser) stalled() {
	switch {
	case u.handed-u.transport.WriteBufferSize() > u.takenAt:
		u.startStall()
	case u.dropped:
		u.transport.Abort()
	default:
		u.chat.room.Drop(u.name, u, chatroom.ErrTooSlow)
	}
}

// Drop discards the queue, stops reading (nothing more is said under the
// user's name), and writes TooSlow once the transport's buffer has drained
// (at once if it has), giving the user DropGrace to take something, again
// and again, or be aborted.
func (u *protocolUser) Drop() {
	u.dropped = true
	u.backlog.Stop()
	u.queue, u.queued = nil, 0
	u.transport.PauseReading()
	u.startStall()
	if !u.paused {
		u.sayLast(chatroom.TooSlow)
	}
}

// sayLast writes the last words, and closes the connection once they are
// written.
func (u *protocolUser) sayLast(words string) {
	if u.closed {
		return
	}
	u.reply(words)
	u.transport.Close()
	u.closed = true
}
