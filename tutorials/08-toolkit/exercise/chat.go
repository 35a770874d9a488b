// Package toolkit is the gevent talk's two programs with gevent's toolkit,
// in the kit's package coroutines: you finish them in tutorial step 08.
// Fill in the functions that panic with TODO(step08); go test
// ./tutorials/08-toolkit checks them.
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
	return &Chat{limits: limits, room: chatroom.NewRoom(limits)}
}

// A user is one user: the queue between their reader and their writer.
// It is the user's member of the room (chatroom.Member).
type user struct {
	conn  *coroutines.Conn
	grace time.Duration
	queue *coroutines.Queue[string] // closed when the user leaves or is dropped

	tooSlow bool // set by Drop before it closes queue
}

var _ chatroom.Member = (*user)(nil)

// Handle serves one connection, the talk's handle(sock, client_addr): ask
// for a name; then spawn the user's reader and writer and wait for both
// (the talk's joinall). If the handler is killed (the server closes), so
// are they.
func (c *Chat) Handle(ctx context.Context, conn *coroutines.Conn) {
	// A LineBuffer for c.limits.MaxLine, and a user whose queue holds
	// c.limits.MaxQueued (coroutines.NewQueue); c.readName; then
	// coroutines.Spawn(ctx, ...) the reader (c.read) and the writer
	// (u.write), and coroutines.JoinAll(ctx, r, w). If Handle ends first
	// (killed), coroutines.KillAll(r, w), deferred.
	panic("TODO(step08): Handle: read the name, then spawn the reader and the writer and join both")
}

// readName asks for a name until the user gives one that is free, and
// joins the user under it: the talk's read_name. A full room is an error:
// the user is told, and the connection closed.
//
//lint:ignore U1000 Handle, your part, calls it
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
//
//lint:ignore U1000 Handle, your part, spawns it
func (c *Chat) read(ctx context.Context, name string, lines *chatroom.LineBuffer, u *user) error {
	// lines.ReadLine(u.conn.Bind(ctx)) until it fails; c.room.Say each
	// line. Then c.room.Leave(name, u), and if the user was still in the
	// room, close the queue: the writer writes what is left, then ends.
	panic("TODO(step08): read: Say every line the user sends; at the end, Leave the room and close the queue")
}

// write is the user's writer, the talk's writer(q, sock): it writes the
// messages of the queue, in order, until the queue is closed; then the
// last words, if the user was dropped. It closes the connection when it
// ends, which also ends a reader still waiting for the user's next line.
//
//lint:ignore U1000 Handle, your part, spawns it
func (u *user) write(ctx context.Context) error {
	// Close the connection when done (defer). u.queue.Get(ctx) each
	// message and write it to u.conn.Bind(ctx), until Get fails (the
	// queue is closed); then, if u.tooSlow, write chatroom.TooSlow.
	panic("TODO(step08): write: write each message of the queue until it is closed; then TooSlow if the user was dropped")
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
