package chat

import (
	"errors"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/internal/chatroom"
)

// StartGoroutines starts the chat server on Go's net package: for each
// user a handler goroutine, which asks for the name and then runs a reader
// goroutine and a writer goroutine, a channel between them.
func StartGoroutines(cfg examples.Config, limits chatroom.Limits) (examples.Server, error) {
	c := &goroutinesChat{limits: limits, room: chatroom.NewRoom(limits), reporter: chatroom.NewReporter(examples.OrPrint(cfg.OnError))}
	return examples.ServeStream(cfg.Addr, cfg.OnError, c.handle)
}

// goroutinesChat is the server. Every user's goroutines share the room, and
// run in parallel, so a mutex guards it: the one lock the other styles do
// without, since only their loop goroutine touches the room.
type goroutinesChat struct {
	limits chatroom.Limits // set by StartGoroutines

	mu       sync.Mutex // guards room, reporter, and the users' fields under "guarded by mu"
	room     *chatroom.Room
	reporter *chatroom.Reporter
}

// goroutinesUser is one user: the queue between their reader and writer.
//
// Flow control: the queue takes any number of messages, and the user's
// backlog is the bytes in it and in the writer's hands. Past
// Limits.HighWater the user tells the room, and every reader waits on its
// changed condition before its next line, until the writer has brought the
// backlog down to the low-water mark. While the user is full, the writer's
// write has a deadline: a write that took nothing for DropGrace drops the
// user. Before a name, the writes of the replies block the reader.
type goroutinesUser struct {
	chat    *goroutinesChat
	conn    net.Conn
	name    string     // "" until the user has joined
	changed *sync.Cond // on chat.mu: the queue has messages or is closed, or the room lets the reader go on

	// Guarded by chat.mu.
	queue   []string
	queued  int              // bytes in queue and in the writer's hands
	closed  bool             // the user left or was dropped: the writer ends after queue
	backlog chatroom.Backlog // tells the room when the user fills and empties
	dropped bool             // the reader stops, the writer writes TooSlow
}

// handle serves one connection: it asks for a name, then runs the user's
// reader and writer until both have ended (the talk's joinall).
func (c *goroutinesChat) handle(conn net.Conn) {
	lines := chatroom.NewLineBuffer(c.limits.MaxLine)
	u := &goroutinesUser{chat: c, conn: conn, changed: sync.NewCond(&c.mu)}
	if err := c.readName(lines, u); err != nil || u.name == "" {
		c.report(u, err)
		return
	}
	var both sync.WaitGroup
	both.Go(func() { c.read(lines, u) })
	both.Go(u.write)
	both.Wait()
}

// readName asks for a name until the user gives one that is free, within
// NameTimeout, and joins the user under it. A full room or no name in time
// leave u.name "": the user is told, and the connection closed.
func (c *goroutinesChat) readName(lines *chatroom.LineBuffer, u *goroutinesUser) error {
	ip := from(netPeer(u.conn.RemoteAddr()))
	u.conn.SetDeadline(time.Now().Add(c.limits.NameTimeout))
	for {
		if _, err := io.WriteString(u.conn, chatroom.Prompt); err != nil {
			return err
		}
		line, err := lines.ReadLine(u.conn)
		if err != nil {
			return c.sayLast(u, chatroom.NameTimedOut, err)
		}
		name, reply, ok := chatroom.CheckName(line, c.limits.MaxName)
		if ok {
			c.mu.Lock()
			err = c.room.Join(name, ip, u)
			if err == nil {
				u.name = name
			}
			c.mu.Unlock()
			switch {
			case err == nil:
				return u.conn.SetDeadline(time.Time{})
			case errors.Is(err, chatroom.ErrFull):
				return c.sayLast(u, chatroom.Full, nil)
			}
			reply = chatroom.NameTaken
		}
		if _, err := io.WriteString(u.conn, reply); err != nil {
			return err
		}
	}
}

// sayLast writes words, if err is nil or a passed deadline, within
// DropGrace, and returns the error it was given for any other.
func (c *goroutinesChat) sayLast(u *goroutinesUser, words string, err error) error {
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	u.conn.SetWriteDeadline(time.Now().Add(c.limits.DropGrace))
	io.WriteString(u.conn, words)
	return nil
}

// report reports what ended a connection (see chatroom.Reporter).
func (c *goroutinesChat) report(u *goroutinesUser, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reporter.Report(time.Now(), who(netPeer(u.conn.RemoteAddr())), err)
}

// read is the user's reader: it broadcasts each line the user sends, and
// when the connection ends (or the writer closed it), takes the user out of
// the room. Closing the queue then ends the writer, once it has written
// what is queued.
func (c *goroutinesChat) read(lines *chatroom.LineBuffer, u *goroutinesUser) {
	for {
		line, err := lines.ReadLine(u.conn)
		if err != nil {
			c.report(u, err)
			break
		}
		if !c.say(u, line) {
			break
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.room.Leave(u.name, u) {
		u.closeQueue()
	}
}

// say waits while the room is congested, then says line; it returns false,
// saying nothing, once the user was dropped: nothing more is said under
// their name.
func (c *goroutinesChat) say(u *goroutinesUser, line string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.room.Congested() && !u.dropped {
		c.room.Wait(u.changed.Broadcast)
		u.changed.Wait()
	}
	if u.dropped {
		return false
	}
	c.room.Say(u.name, line)
	return true
}

// write is the user's writer: it writes the messages of the queue, in
// order, until the queue is closed; then the last words if the user was
// dropped. It takes everything queued at once and writes it in one system
// call: with 50 users, one line is 50 messages, and a write each would cost
// 50 system calls. It closes the connection when it ends, which also ends a
// reader still waiting for the user's next line.
func (u *goroutinesUser) write() {
	defer u.conn.Close()
	var out []byte
	for {
		out = u.take(out[:0])
		if len(out) == 0 {
			break
		}
		if err := u.writeOut(out); err != nil {
			u.chat.mu.Lock()
			u.chat.room.Drop(u.name, u, err) // gone: out of the room, and the reader stops
			u.chat.mu.Unlock()
			return
		}
		u.chat.mu.Lock()
		u.queued -= len(out)
		u.checkBacklog()
		u.chat.mu.Unlock()
	}
	if u.isDropped() {
		io.WriteString(u.conn, chatroom.TooSlow)
	}
}

// take waits until the queue has messages and returns them appended to
// out, or returns out empty once the queue is closed and empty.
func (u *goroutinesUser) take(out []byte) []byte {
	u.chat.mu.Lock()
	defer u.chat.mu.Unlock()
	for len(u.queue) == 0 && !u.closed {
		u.changed.Wait()
	}
	for _, msg := range u.queue {
		out = append(out, msg...)
	}
	clear(u.queue)
	u.queue = u.queue[:0]
	return out
}

// writeOut writes p. While the user is full, the write has a deadline (see
// checkBacklog): past it, a peer that took something gets another
// DropGrace, and one that took nothing is dropped, and gets one more
// DropGrace for the rest of p and the last words.
func (u *goroutinesUser) writeOut(p []byte) error {
	for {
		n, err := u.conn.Write(p)
		p = p[n:]
		switch {
		case err == nil:
			return nil
		case !errors.Is(err, os.ErrDeadlineExceeded) || u.isDropped():
			return err
		case n == 0:
			u.chat.mu.Lock()
			u.chat.room.Drop(u.name, u, chatroom.ErrTooSlow)
			u.chat.mu.Unlock()
		default:
			u.conn.SetWriteDeadline(time.Now().Add(u.chat.limits.DropGrace))
		}
	}
}

func (u *goroutinesUser) isDropped() bool {
	u.chat.mu.Lock()
	defer u.chat.mu.Unlock()
	return u.dropped
}

// Send puts msg on the queue, wakes the writer, and tells the room if the
// backlog is now above the mark. It never refuses. The room calls it with
// the mutex held.
func (u *goroutinesUser) Send(msg string) bool {
	if !u.closed {
		u.queue = append(u.queue, msg)
		u.queued += len(msg)
		u.changed.Broadcast()
		u.checkBacklog()
	}
	return true
}

// checkBacklog tells the room when the backlog crosses a mark: above
// HighWater the user is full, and the writer's write gets a deadline; at
// the low-water mark the user is drained, which may resume the senders.
// The mutex is held.
func (u *goroutinesUser) checkBacklog() {
	switch u.backlog.Check(u.queued, u.chat.limits) {
	case chatroom.Filled:
		u.conn.SetWriteDeadline(time.Now().Add(u.chat.limits.DropGrace))
		u.chat.room.Full(u)
	case chatroom.Emptied:
		u.conn.SetWriteDeadline(time.Time{})
		u.chat.room.Drained(u)
	}
}

// closeQueue closes the queue: the writer ends once it has written what
// is in it. The mutex is held.
func (u *goroutinesUser) closeQueue() {
	u.closed = true
	u.changed.Broadcast()
}

// Drop empties the queue and closes it, so that the writer writes TooSlow
// next and the reader stops, and gives the writer DropGrace for what
// it is writing and that. The room calls it with the mutex held.
func (u *goroutinesUser) Drop() {
	clear(u.queue)
	u.queue = nil
	u.dropped = true
	u.backlog.Stop()
	u.closeQueue()
	u.conn.SetWriteDeadline(time.Now().Add(u.chat.limits.DropGrace))
}
