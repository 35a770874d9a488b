// Package toolkit is the reference for tutorial step 08: the gevent talk's
// two programs with gevent's toolkit, in the kit's package coroutines.
// Your version is in ../exercise.
//
// The chat server (chat.go) is the talk's: a handler per connection that
// asks for a name, then a reader and a writer coroutine per user with a
// queue between them, joined. The fetch (fetch.go) is "100 web requests
// in parallel through a pool of 20", each within a timeout. The texts, the
// room and the line framing are internal/chatroom's, the HTTP is
// internal/httpget's: what is left is how coroutines wait for each other.
//
// The chat is the one a workshop runs for the room, so it adds to the
// talk's what a real room needs (the README says why): the queues are
// bounded in bytes and make the senders wait for a full reader rather than
// drop the readers, a reader that reads nothing before giving a name holds
// one reply, a name must come within NameTimeout, and a dropped user says
// nothing more.
package toolkit

import (
	"context"
	"errors"
	"net"
	"os"
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
	return &Chat{limits: limits, room: chatroom.NewRoom(limits)}
}

// A user is one user: the queue between their reader and their writer.
// It is the user's member of the room (chatroom.Member).
//
// The queue takes any number of messages; what bounds it is the room. Past
// Limits.HighWater bytes the user tells the room, and every reader parks
// before its next line until the writer has brought the backlog down to
// the low-water mark: the senders wait for the slowest reader, as TCP makes
// a writer wait for its reader. While the user is full the writer's write
// has a deadline: a user who takes nothing for DropGrace is dropped.
type user struct {
	chat   *Chat
	conn   *coroutines.Conn
	name   string                    // "" until the user has joined
	queue  *coroutines.Queue[string] // closed when the user leaves or is dropped
	queued int                       // bytes in queue and in the writer's hands
	full   bool                      // the room knows queued is above the high-water mark
	resume coroutines.Event          // set when the room lets a stopped reader go on

	dropped bool // set by Drop before it closes queue: the reader stops, the writer writes TooSlow
}

var _ chatroom.Member = (*user)(nil)

// Handle serves one connection, the talk's handle(sock, client_addr): ask
// for a name; then spawn the user's reader and writer and wait for both
// (the talk's joinall). If the handler is killed (the server closes), so
// are they.
func (c *Chat) Handle(ctx context.Context, conn *coroutines.Conn) {
	lines := chatroom.NewLineBuffer(c.limits.MaxLine)
	u := &user{chat: c, conn: conn, queue: coroutines.NewQueue[string](0)}
	if err := c.readName(ctx, lines, u); err != nil || u.name == "" {
		return
	}
	r := coroutines.Spawn(ctx, func(ctx context.Context) error { return c.read(ctx, lines, u) })
	w := coroutines.Spawn(ctx, u.write)
	r.SetName("reader(" + u.name + ")")
	w.SetName("writer(" + u.name + ")")
	defer coroutines.KillAll(r, w)
	coroutines.JoinAll(ctx, r, w)
}

// readName asks for a name until the user gives one that is free, and
// joins the user under it: the talk's read_name, within NameTimeout. The
// prompt's writes park while the user does not read: nothing piles up. A
// full room or no name in time leave u.name "": the user is told, and the
// connection closed.
func (c *Chat) readName(ctx context.Context, lines *chatroom.LineBuffer, u *user) error {
	ip := u.conn.RemoteAddr().Addr().String()
	sock := u.conn.Bind(ctx)
	sock.SetDeadline(time.Now().Add(c.limits.NameTimeout))
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
				return sock.SetDeadline(time.Time{})
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
func (c *Chat) sayLast(sock net.Conn, words string, err error) error {
	if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
		return err
	}
	sock.SetWriteDeadline(time.Now().Add(c.limits.DropGrace))
	sock.Write([]byte(words))
	return nil
}

// read is the user's reader, the talk's reader(username, f): each line the
// user sends goes to everyone, once the room is not congested. When the
// connection ends (or the writer closed it), the user leaves the room;
// closing the queue then ends the writer, once it has written what is
// queued. A dropped user's reader stops at once: nothing more is said under
// their name.
func (c *Chat) read(ctx context.Context, lines *chatroom.LineBuffer, u *user) error {
	sock := u.conn.Bind(ctx)
	for !u.dropped {
		line, err := lines.ReadLine(sock)
		if err != nil {
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
func (u *user) waitForRoom(ctx context.Context) error {
	for u.chat.room.Congested() {
		u.resume.Clear()
		u.chat.room.Wait(u.resume.Set)
		if err := u.resume.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// write is the user's writer, the talk's writer(q, sock): it writes the
// messages of the queue, in order, until the queue is closed; then the
// last words, if the user was dropped. It closes the connection when it
// ends, which also ends a reader still waiting for the user's next line.
func (u *user) write(ctx context.Context) error {
	defer u.conn.Close()
	for {
		msg, err := u.queue.Get(ctx)
		if err != nil {
			break // closed: the user left, or was dropped
		}
		if err := u.writeOut(ctx, []byte(msg)); err != nil {
			u.chat.room.Drop(u.name, u, err) // gone: out of the room, and the reader stops
			return nil
		}
		u.queued -= len(msg)
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
func (u *user) writeOut(ctx context.Context, p []byte) error {
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

// Send puts msg on the user's queue, without waiting, and tells the room
// if the backlog is now above the mark (chatroom.Member). It never
// refuses.
func (u *user) Send(msg string) bool {
	if u.queue.TryPut(msg) {
		u.queued += len(msg)
		u.checkBacklog()
	}
	return true
}

// checkBacklog tells the room when the backlog crosses a mark: above
// HighWater the user is full, and the writer's write gets a deadline; at
// the low-water mark the user is drained, which may resume the senders.
func (u *user) checkBacklog() {
	switch {
	case !u.full && !u.dropped && u.queued > u.chat.limits.HighWater:
		u.full = true
		u.conn.SetWriteDeadline(time.Now().Add(u.chat.limits.DropGrace))
		u.chat.room.Full(u)
	case u.full && u.queued <= u.chat.limits.LowWater():
		u.full = false
		u.conn.SetWriteDeadline(time.Time{})
		u.chat.room.Drained(u)
	}
}

// Drop empties the queue and closes it, so that the writer writes TooSlow
// next, and gives the writer DropGrace for what it is writing and that
// (chatroom.Member).
func (u *user) Drop() {
	for _, ok := u.queue.TryGet(); ok; _, ok = u.queue.TryGet() {
	}
	u.dropped, u.full = true, false
	u.queue.Close()
	u.conn.SetWriteDeadline(time.Now().Add(u.chat.limits.DropGrace))
}
