// Package toolkit is a known-wrong version for the checks of tutorial step
// 08: the reader ends without taking the user out of
// the room.
//
// The chat server (chat.go) is the talk's: a handler per connection that
// asks for a name, then a reader and a writer coroutine per user with a
// queue between them, joined. The fetch (fetch.go) is "100 web requests
// in parallel through a pool of 20", each within a timeout. The texts, the
// room and the line framing are internal/chatroom's, the HTTP is
// internal/httpget's: what is left is how coroutines wait for each other.
package toolkit

import (
	"context"
	"errors"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/chatroom"
)

// A Chat is the talk's chat server. Its coroutines take turns on the loop
// goroutine and switch only where they block, so the room needs no lock.
type Chat struct {
	limits chatroom.Limits
	room   *chatroom.Room
}

// NewChat returns an empty chat that keeps limits.
func NewChat(limits chatroom.Limits) *Chat {
	return &Chat{limits: limits, room: chatroom.NewRoom(limits.MaxUsers)}
}

// A user is one user: the queue between their reader and their writer.
// It is the user's member of the room (chatroom.Member).
type user struct {
	conn  *coroutines.Conn
	grace time.Duration
	queue *coroutines.Queue[string] // closed when the user leaves or is dropped

	tooSlow bool // set by Drop before it closes queue
}

// Handle serves one connection, the talk's handle(sock, client_addr): ask
// for a name; then spawn the user's reader and writer and wait for both
// (the talk's joinall). If the handler is killed (the server closes), so
// are they.
func (c *Chat) Handle(ctx context.Context, conn *coroutines.Conn) {
	lines := chatroom.NewLineBuffer(c.limits.MaxLine)
	u := &user{conn: conn, grace: c.limits.DropGrace, queue: coroutines.NewQueue[string](c.limits.MaxQueued)}
	name, err := c.readName(ctx, lines, u)
	if err != nil {
		return
	}
	r := coroutines.Spawn(ctx, func(ctx context.Context) error { return c.read(ctx, name, lines, u) })
	w := coroutines.Spawn(ctx, u.write)
	r.SetName("reader(" + name + ")")
	w.SetName("writer(" + name + ")")
	defer coroutines.KillAll(r, w)
	coroutines.JoinAll(ctx, r, w)
}

// readName asks for a name until the user gives one that is free, and
// joins the user under it: the talk's read_name. A full room is an error:
// the user is told, and the connection closed.
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

// read is the user's reader, the talk's reader(username, f): each line the
// user sends goes to everyone. When the connection ends (or the writer
// closed it), the user leaves the room; closing the queue then ends the
// writer, once it has written what is queued.
func (c *Chat) read(ctx context.Context, name string, lines *chatroom.LineBuffer, u *user) error {
	sock := u.conn.Bind(ctx)
	for {
		line, err := lines.ReadLine(sock)
		if err != nil {
			break
		}
		c.room.Say(name, line)
	}
	u.queue.Close() // the mistake: the user stays in the room, their name taken for ever
	return nil
}

// write is the user's writer, the talk's writer(q, sock): it writes the
// messages of the queue, in order, until the queue is closed; then the
// last words, if the user was dropped. It closes the connection when it
// ends, which also ends a reader still waiting for the user's next line.
func (u *user) write(ctx context.Context) error {
	defer u.conn.Close()
	sock := u.conn.Bind(ctx)
	for {
		msg, err := u.queue.Get(ctx)
		if err != nil {
			break // closed: the user left, or was dropped
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

// Send puts msg on the user's queue if there is room, without waiting
// (chatroom.Member).
func (u *user) Send(msg string) bool { return u.queue.TryPut(msg) }

// Drop empties the queue and closes it, so that the writer writes TooSlow
// next, and sets a write deadline: a write still waiting for the user to
// read fails after the grace, and the writer ends (chatroom.Member).
func (u *user) Drop() {
	for _, ok := u.queue.TryGet(); ok; _, ok = u.queue.TryGet() {
	}
	u.tooSlow = true
	u.queue.Close()
	u.conn.SetWriteDeadline(time.Now().Add(u.grace))
}
