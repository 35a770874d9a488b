// Package chat is the chat server of the gevent talk, in coroutines, as
// tutorial step 12 runs it: for each user a handler coroutine asks for a
// name, then spawns a reader and a writer with a queue between them and
// waits for both to end, as the talk's handle() does with
// gevent.joinall([r, w]); then everyone is told the user left.
//
// The writer waits on its queue for ever unless someone tells it the user
// has gone: the queue is the only thing it waits on, and nobody puts to it
// any more. Left so, the join never returns, nobody hears that the user
// left, and when the server stops, the loop's Run finds coroutines parked
// on something nobody will ever release: a deadlock, which the coroutines
// package reports. Chat.leave is where that happens, and where it is
// fixed.
//
// The texts, the limits, the line framing and the room come from
// internal/chatroom, as in every chat of the kit (examples/chat).
package chat

import (
	"context"
	"errors"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/chatroom"
)

// A Chat is one room and the handler of its server's connections. Its
// coroutines take turns on the loop goroutine, one at a time, and switch
// only where they block: so the room needs no lock.
type Chat struct {
	limits chatroom.Limits
	room   *chatroom.Room
}

// New returns an empty chat that keeps limits.
func New(limits chatroom.Limits) *Chat {
	return &Chat{limits: limits, room: chatroom.NewRoom(limits)}
}

// A user is one user: the queue between their reader and their writer.
type user struct {
	conn    *coroutines.Conn
	grace   time.Duration
	queue   *coroutines.Queue[string]
	tooSlow bool // set by Drop before it closes queue
}

// Handle serves one connection, as the talk's handle(): it asks for a
// name, then runs the user's reader and writer, each a coroutine named for
// the user, until both have ended, and the user leaves. It is the handler
// of a coroutines.StreamServer, which closes the connection when it
// returns. If the handler is killed (the server closing at once), so are
// the reader and the writer.
func (c *Chat) Handle(ctx context.Context, conn *coroutines.Conn) error {
	lines := chatroom.NewLineBuffer(c.limits.MaxLine)
	u := &user{conn: conn, grace: c.limits.DropGrace, queue: coroutines.NewQueue[string](c.limits.MaxQueued)}
	name, err := c.readName(ctx, lines, u)
	if err != nil {
		return nil // gone before joining: nothing to say
	}
	r := coroutines.Spawn(ctx, func(ctx context.Context) error { return c.read(ctx, name, lines, u) })
	r.SetName("reader(" + name + ")")
	w := coroutines.Spawn(ctx, u.write)
	w.SetName("writer(" + name + ")")
	defer coroutines.KillAll(r, w)
	c.leave(ctx, name, u, r, w)
	return nil
}

// leave waits until the user's reader has ended (the connection has), then
// takes the user out of the room, which tells everyone left, and ends the
// writer: closing the queue lets it write what is queued, then its Get
// fails and it returns.
func (c *Chat) leave(ctx context.Context, name string, u *user, r, w *coroutines.Coroutine) {
	r.Join(ctx)
	c.room.Leave(name, u)
	u.queue.Close()
	w.Join(ctx)
}

// readName asks for a name until the user gives one that is free, and
// joins the user under it. A full room is an error: the user is told, and
// the connection closed.
func (c *Chat) readName(ctx context.Context, lines *chatroom.LineBuffer, u *user) (string, error) {
	ip := u.conn.RemoteAddr().Addr().String()
	sock := u.conn.Bind(ctx)
	for {
		if _, err := sock.Write([]byte(chatroom.Prompt)); err != nil {
			return "", err
		}
		line, err := lines.ReadLine(sock)
		if err != nil {
			return "", err
		}
		name, reply, ok := chatroom.CheckName(line, c.limits.MaxName)
		if ok {
			err = c.room.Join(name, ip, u)
			switch {
			case err == nil:
				return name, nil
			case errors.Is(err, chatroom.ErrFull):
				sock.Write([]byte(chatroom.Full))
				return "", err
			}
			reply = chatroom.NameTaken
		}
		if _, err := sock.Write([]byte(reply)); err != nil {
			return "", err
		}
	}
}

// read is the user's reader: it says each line the user sends to the room,
// until the connection ends.
func (c *Chat) read(ctx context.Context, name string, lines *chatroom.LineBuffer, u *user) error {
	sock := u.conn.Bind(ctx)
	for {
		line, err := lines.ReadLine(sock)
		if err != nil {
			return nil // the user closed the connection, or it broke: the user has left
		}
		c.room.Say(name, line)
	}
}

// write is the user's writer: it writes the messages of the queue, in
// order, until the queue is closed and empty; then the last words, if the
// user was dropped. It closes the connection when it ends, which also ends
// a reader still waiting for the user's next line.
func (u *user) write(ctx context.Context) error {
	defer u.conn.Close()
	sock := u.conn.Bind(ctx)
	for {
		msg, err := u.queue.Get(ctx)
		if err != nil {
			break
		}
		if _, err := sock.Write([]byte(msg)); err != nil {
			return nil
		}
	}
	if u.tooSlow {
		sock.Write([]byte(chatroom.TooSlow))
	}
	return nil
}

// Send puts msg on the user's queue if there is room, without waiting: it
// makes a user a chatroom.Member.
func (u *user) Send(msg string) bool { return u.queue.TryPut(msg) }

// Drop empties the queue and closes it, so that the writer writes TooSlow
// next, and sets a write deadline: a write still waiting for the user to
// read fails after the grace, and the writer ends.
func (u *user) Drop() {
	for _, ok := u.queue.TryGet(); ok; _, ok = u.queue.TryGet() {
	}
	u.tooSlow = true
	u.queue.Close()
	u.conn.SetWriteDeadline(time.Now().Add(u.grace))
}
