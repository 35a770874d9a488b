package chat

import (
	"context"
	"errors"
	"net"
	"os"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/loop"
)

// StartCoroutines starts the chat server in the style of coroutines
// (package coroutines), the talk's own: for each user a handler coroutine,
// which asks for the name and then spawns a reader coroutine and a writer
// coroutine, a coroutines.Queue between them, and joins both.
func StartCoroutines(cfg examples.Config, limits chatroom.Limits) (examples.Server, error) {
	if cfg.Loops > 1 {
		return nil, errOneLoop
	}
	return examples.Start(cfg, func(run *examples.Run) error { return serveCoroutines(run, limits) })
}

// serveCoroutines is the chat on one loop: gevent's StreamServer, one
// handler coroutine per connection. It makes the loop and the chat,
// listens, tells the harness where and how to stop, and runs the loop until
// stopped.
func serveCoroutines(run *examples.Run, limits chatroom.Limits) error {
	l, err := loop.New(run.LoopOptions...)
	if err != nil {
		return err
	}
	defer l.Close()
	c := &coroutinesChat{limits: limits, room: chatroom.NewRoom(limits), reporter: chatroom.NewReporter(l.ReportError)}
	hub := coroutines.NewHub(l)
	server, err := coroutines.NewStreamServer(hub, run.Addr, c.handle, coroutines.ReusePort(run.ReusePort))
	if err != nil {
		return err
	}
	server.Start().SetName("acceptor")
	// Close kills every handler: each one's blocking call returns
	// coroutines.ErrKilled, and its connection is closed.
	run.Serving(l, hub, server.Addr(), func() { server.Close() })
	return l.Run()
}

// coroutinesChat is the server. Its coroutines take turns on the loop
// goroutine, one at a time, and switch only where they block: so the room
// needs no lock.
type coroutinesChat struct {
	limits   chatroom.Limits
	room     *chatroom.Room
	reporter *chatroom.Reporter
}

// coroutinesUser is one user: the queue between their reader and writer.
//
// Flow control: the queue takes any number of messages, and the user's
// backlog is the bytes in it and in the writer's hands. Past
// Limits.HighWater the user tells the room, and every reader parks on its
// resume Event before its next line, until the writer has brought the
// backlog down to the low-water mark. While the user is full, the writer's
// write has a deadline: a write that took nothing for DropGrace drops the
// user. Before a name, the writes of the replies park the reader.
type coroutinesUser struct {
	chat    *coroutinesChat
	conn    *coroutines.Conn
	name    string                    // "" until the user has joined
	queue   *coroutines.Queue[string] // closed when the user leaves or is dropped
	queued  int                       // bytes in queue and in the writer's hands
	backlog chatroom.Backlog          // tells the room when the user fills and empties
	resume  coroutines.Event          // set when the room lets a stopped reader go on

	dropped bool // set by Drop before it closes queue: the reader stops, the writer writes TooSlow
}

// handle serves one connection: it asks for a name, then runs the user's
// reader and writer until both have ended (the talk's joinall). If the
// handler is killed (the server closes), so are they. A connection the
// server could not serve (such as an fd select cannot watch) is reported.
// It returns nil even then: a client that leaves is no error of the
// server's.
func (c *coroutinesChat) handle(ctx context.Context, conn *coroutines.Conn) error {
	lines := chatroom.NewLineBuffer(c.limits.MaxLine)
	u := &coroutinesUser{chat: c, conn: conn, queue: coroutines.NewQueue[string](0)}
	if err := c.readName(ctx, lines, u); err != nil || u.name == "" {
		c.report(ctx, u, err)
		return nil
	}
	r := coroutines.Spawn(ctx, func(ctx context.Context) error { return c.read(ctx, lines, u) })
	w := coroutines.Spawn(ctx, u.write)
	defer coroutines.KillAll(r, w)
	coroutines.JoinAll(ctx, r, w)
	return nil
}

// readName asks for a name until the user gives one that is free, within
// NameTimeout, and joins the user under it. A full room or no name in time
// leave u.name "": the user is told, and the connection closed.
func (c *coroutinesChat) readName(ctx context.Context, lines *chatroom.LineBuffer, u *coroutinesUser) error {
	ip := from(u.conn.RemoteAddr())
	sock := u.conn.Bind(ctx)
	u.conn.SetDeadline(time.Now().Add(c.limits.NameTimeout))
	for {
		if _, err := sock.Write([]byte(chatroom.Prompt)); err != nil {
			return err
		}
		line, err := lines.ReadLine(sock)
		if err != nil {
			return c.sayLast(sock, chatroom.NameTimedOut, err)
		}
		name, reply, ok := chatroom.CheckName(line, c.limits.MaxName)
		if ok {
			err = c.room.Join(name, ip, u)
			switch {
			case err == nil:
				u.name = name
				return u.conn.SetDeadline(time.Time{})
			case errors.Is(err, chatroom.ErrFull):
				return c.sayLast(sock, chatroom.Full, nil)
			}
			reply = chatroom.NameTaken
		}
		if _, err := sock.Write([]byte(reply)); err != nil {
			return err
		}
	}
}

// sayLast writes words, if err is nil or a passed deadline, within
// DropGrace, and returns the error it was given for any other.
func (c *coroutinesChat) sayLast(sock net.Conn, words string, err error) error {
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	sock.SetWriteDeadline(time.Now().Add(c.limits.DropGrace))
	sock.Write([]byte(words))
	return nil
}

// report reports what ended a connection, unless the server is closing
// (the handler was killed).
func (c *coroutinesChat) report(ctx context.Context, u *coroutinesUser, err error) {
	if ctx.Err() == nil {
		c.reporter.Report(time.Now(), who(u.conn.RemoteAddr()), err)
	}
}

// read is the user's reader: it broadcasts each line the user sends, each
// once the room is not congested, and when the connection ends (or the
// writer closed it), takes the user out of the room. Closing the queue then
// ends the writer, once it has written what is queued. A dropped user's
// reader stops at once: nothing more is said under their name.
func (c *coroutinesChat) read(ctx context.Context, lines *chatroom.LineBuffer, u *coroutinesUser) error {
	sock := u.conn.Bind(ctx)
	for !u.dropped {
		line, err := lines.ReadLine(sock)
		if err != nil {
			c.report(ctx, u, err)
			break
		}
		if err := u.waitForRoom(ctx); err != nil || u.dropped {
			break
		}
		c.room.Say(u.name, line)
	}
	if c.room.Leave(u.name, u) {
		u.queue.Close()
	}
	return nil
}

// waitForRoom parks the reader while the room is congested.
func (u *coroutinesUser) waitForRoom(ctx context.Context) error {
	for u.chat.room.Congested() {
		u.resume.Clear()
		u.chat.room.Wait(u.resume.Set)
		if err := u.resume.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// write is the user's writer: it writes the messages of the queue, in
// order, until the queue is closed; then the last words if the user was
// dropped. It takes everything queued at once and writes it in one system
// call: with 50 users, one line is 50 messages, and a write each would cost
// 50 system calls. It closes the connection when it ends, which also ends a
// reader still waiting for the user's next line.
func (u *coroutinesUser) write(ctx context.Context) error {
	defer u.conn.Close()
	var out []byte
	for {
		msg, err := u.queue.Get(ctx)
		if err != nil {
			break
		}
		out = append(out[:0], msg...)
		for more, ok := u.queue.TryGet(); ok; more, ok = u.queue.TryGet() {
			out = append(out, more...) // and what else is queued: one write for all
		}
		if err := u.writeOut(ctx, out); err != nil {
			u.chat.room.Drop(u.name, u, err) // gone: out of the room, and the reader stops
			return nil
		}
		u.queued -= len(out)
		u.checkBacklog()
	}
	if u.dropped {
		u.writeOut(ctx, []byte(chatroom.TooSlow))
	}
	return nil
}

// writeOut writes p. While the user is full, the write has a deadline (see
// checkBacklog): past it, a peer that took something gets another
// DropGrace, and one that took nothing is dropped, and gets one more
// DropGrace for the rest of p and the last words.
func (u *coroutinesUser) writeOut(ctx context.Context, p []byte) error {
	for {
		n, err := u.conn.Write(ctx, p)
		p = p[n:]
		switch {
		case err == nil:
			return nil
		case !errors.Is(err, os.ErrDeadlineExceeded) || u.dropped:
			return err
		case n == 0:
			u.chat.room.Drop(u.name, u, chatroom.ErrTooSlow)
		default:
			u.conn.SetWriteDeadline(time.Now().Add(u.chat.limits.DropGrace))
		}
	}
}

// Send puts msg on the queue, without waiting, and tells the room if the
// backlog is now above the mark. It never refuses.
func (u *coroutinesUser) Send(msg string) bool {
	if u.queue.TryPut(msg) {
		u.queued += len(msg)
		u.checkBacklog()
	}
	return true
}

// checkBacklog tells the room when the backlog crosses a mark: above
// HighWater the user is full, and the writer's write gets a deadline; at
// the low-water mark the user is drained, which may resume the senders.
func (u *coroutinesUser) checkBacklog() {
	switch u.backlog.Check(u.queued, u.chat.limits) {
	case chatroom.Filled:
		u.conn.SetWriteDeadline(time.Now().Add(u.chat.limits.DropGrace))
		u.chat.room.Full(u)
	case chatroom.Emptied:
		u.conn.SetWriteDeadline(time.Time{})
		u.chat.room.Drained(u)
	}
}

// Drop empties the queue and closes it, so that the writer writes TooSlow
// next, and gives the writer DropGrace for what it is writing and that.
func (u *coroutinesUser) Drop() {
	for _, ok := u.queue.TryGet(); ok; _, ok = u.queue.TryGet() {
	}
	u.dropped = true
	u.backlog.Stop()
	u.queue.Close()
	u.conn.SetWriteDeadline(time.Now().Add(u.chat.limits.DropGrace))
}
