package chat

import (
	"errors"

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
	return examples.ServeLoops(cfg, func(l *loop.Loop, addr string, reusePort bool) (examples.LoopServer, error) {
		c := &protocolChat{loop: l, limits: limits, room: chatroom.NewRoom(limits.MaxUsers)}
		srv, err := examples.ServeProtocol(l, addr, reusePort, func() protocol.Protocol {
			u := &protocolUser{chat: c, lines: chatroom.NewLineBuffer(limits.MaxLine)}
			u.flushFn = u.flush
			return u
		})
		return protocolChatServer{srv, c}, err
	})
}

// protocolChatServer closes the chat before its server: the transports are
// aborted one by one, and each user's ConnectionLost tells the others, whose
// transports may already be aborted, that the user left; a transport takes
// no writes after it is closed.
type protocolChatServer struct {
	*examples.ProtocolServer
	chat *protocolChat
}

func (s protocolChatServer) Close() {
	s.chat.closing = true
	s.ProtocolServer.Close()
}

// protocolChat is the server. Only the loop goroutine touches it: no lock.
type protocolChat struct {
	loop    *loop.Loop
	limits  chatroom.Limits
	room    *chatroom.Room
	closing bool // the server is closing: nothing more is written
}

// protocolUser is one user's protocol object. Messages wait in the queue
// until the end of the loop's run phase, when flush, the writer, hands them
// all to the transport in one write. While the peer does not read, the
// transport's buffer passes its high-water mark and it calls PauseWriting:
// then messages stay in the queue, until ResumeWriting.
type protocolUser struct {
	chat      *protocolChat
	transport protocol.Transport
	lines     *chatroom.LineBuffer
	name      string // "" until the user has joined

	queue   []string // messages the writer has not taken yet
	out     []byte   // what flush hands to the transport, reused
	queued  bool     // flush is on the loop's ready queue
	paused  bool     // the transport's buffer is above its high-water mark
	flushFn func()   // u.flush, made once so that queueing it does not allocate

	dropped bool          // too slow: TooSlow is written when writing resumes
	grace   *timers.Timer // aborts a dropped user who does not read it in time
	closed  bool          // Close or Abort was called, or the connection lost
}

// ConnectionMade asks for the name.
func (u *protocolUser) ConnectionMade(t protocol.Transport) {
	u.transport = t
	t.Write([]byte(chatroom.Prompt))
}

// DataReceived is the user's reader: it cuts what arrives into lines and
// handles each.
func (u *protocolUser) DataReceived(data []byte) {
	if u.dropped {
		return
	}
	u.lines.Write(data)
	for line, ok := u.lines.Next(); ok && !u.closed; line, ok = u.lines.Next() {
		u.handle(line)
	}
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
		err := u.chat.room.Join(name, u.transport.RemoteAddr().Addr().String(), u)
		switch {
		case err == nil:
			u.name = name
			return
		case errors.Is(err, chatroom.ErrFull):
			u.transport.Write([]byte(chatroom.Full))
			u.transport.Close()
			u.closed = true
			return
		}
		reply = chatroom.NameTaken
	}
	u.transport.Write([]byte(reply + chatroom.Prompt))
}

// EOFReceived takes the user out of the room, hands what is queued to the
// transport, and lets it close once that is written.
func (u *protocolUser) EOFReceived() (keepOpen bool) {
	u.leave()
	u.flush()
	u.closed = true
	return false
}

// ConnectionLost takes the user out, however the connection ended.
func (u *protocolUser) ConnectionLost(error) {
	u.closed = true
	if u.grace != nil {
		u.grace.Cancel()
	}
	u.leave()
}

func (u *protocolUser) leave() {
	if u.name != "" {
		u.chat.room.Leave(u.name, u)
	}
}

// Send puts msg on the queue if there is room, and has the writer called
// once the loop's run phase ends.
func (u *protocolUser) Send(msg string) bool {
	switch {
	case u.closed || u.chat.closing:
		return true // the connection is going: nothing to send it to
	case len(u.queue) >= u.chat.limits.MaxQueued:
		return false
	}
	u.queue = append(u.queue, msg)
	if !u.queued && !u.paused {
		u.queued = true
		u.chat.loop.CallSoon(u.flushFn)
	}
	return true
}

// flush is the user's writer: it hands everything queued to the transport
// in one write, unless writing is paused.
func (u *protocolUser) flush() {
	u.queued = false
	if u.paused || u.closed || u.dropped || u.chat.closing || len(u.queue) == 0 {
		return
	}
	u.out = u.out[:0]
	for _, msg := range u.queue {
		u.out = append(u.out, msg...)
	}
	clear(u.queue)
	u.queue = u.queue[:0]
	u.transport.Write(u.out)
}

// PauseWriting is called when the transport's buffer passes its high-water
// mark: from now on messages wait in the queue.
func (u *protocolUser) PauseWriting() { u.paused = true }

// ResumeWriting is called when the peer has caught up: write the queue (or,
// for a dropped user, the last words).
func (u *protocolUser) ResumeWriting() {
	u.paused = false
	if u.dropped {
		u.sayTooSlow()
		return
	}
	u.flush()
}

// Drop discards the queue and writes TooSlow once the transport's buffer
// has drained (at once if it has), giving the user DropGrace to take it.
func (u *protocolUser) Drop() {
	u.dropped = true
	u.queue = nil
	u.grace = u.chat.loop.CallLater(u.chat.limits.DropGrace, u.transport.Abort)
	if !u.paused {
		u.sayTooSlow()
	}
}

func (u *protocolUser) sayTooSlow() {
	if u.closed {
		return
	}
	u.transport.Write([]byte(chatroom.TooSlow))
	u.transport.Close()
	u.closed = true
}
