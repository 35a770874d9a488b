package chat

import (
	"context"
	"errors"
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
	return examples.ServeLoops(cfg, func(l *loop.Loop, addr string, reusePort bool) (examples.LoopServer, error) {
		c := &coroutinesChat{limits: limits, room: chatroom.NewRoom(limits.MaxUsers)}
		return examples.ServeCoroutines(l, addr, reusePort, c.handle)
	})
}

// coroutinesChat is the server. Its coroutines take turns on the loop
// goroutine, one at a time, and switch only where they block: so the room
// needs no lock.
type coroutinesChat struct {
	limits chatroom.Limits
	room   *chatroom.Room
}

// coroutinesUser is one user: the queue between their reader and writer.
type coroutinesUser struct {
	conn  *coroutines.Conn
	grace time.Duration
	queue *coroutines.Queue[string] // closed when the user leaves or is dropped

	tooSlow bool // set by Drop before it closes queue
}

// handle serves one connection: it asks for a name, then runs the user's
// reader and writer until both have ended (the talk's joinall). If the
// handler is killed (the server closes), so are they.
func (c *coroutinesChat) handle(ctx context.Context, conn *coroutines.Conn) {
	lines := chatroom.NewLineBuffer(c.limits.MaxLine)
	u := &coroutinesUser{conn: conn, grace: c.limits.DropGrace, queue: coroutines.NewQueue[string](c.limits.MaxQueued)}
	name, err := c.readName(ctx, lines, u)
	if err != nil {
		return
	}
	r := coroutines.Spawn(ctx, func(ctx context.Context) error { return c.read(ctx, name, lines, u) })
	w := coroutines.Spawn(ctx, u.write)
	defer coroutines.KillAll(r, w)
	coroutines.JoinAll(ctx, r, w)
}

// readName asks for a name until the user gives one that is free, and
// joins the user under it. A full room is an error: the user is told, and
// the connection closed.
func (c *coroutinesChat) readName(ctx context.Context, lines *chatroom.LineBuffer, u *coroutinesUser) (string, error) {
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

// read is the user's reader: it broadcasts each line the user sends, and
// when the connection ends (or the writer closed it), takes the user out of
// the room. Closing the queue then ends the writer, once it has written
// what is queued.
func (c *coroutinesChat) read(ctx context.Context, name string, lines *chatroom.LineBuffer, u *coroutinesUser) error {
	sock := u.conn.Bind(ctx)
	for {
		line, err := lines.ReadLine(sock)
		if err != nil {
			break
		}
		c.room.Say(name, line)
	}
	if c.room.Leave(name, u) {
		u.queue.Close()
	}
	return nil
}

// write is the user's writer: it writes the messages of the queue, in
// order, until the queue is closed; then the last words if the user was
// dropped. It takes everything queued at once and writes it in one system
// call: with 50 users, one line is 50 messages, and a write each would cost
// 50 system calls. It closes the connection when it ends, which also ends a reader
// still waiting for the user's next line.
func (u *coroutinesUser) write(ctx context.Context) error {
	defer u.conn.Close()
	sock := u.conn.Bind(ctx)
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
		if _, err := sock.Write(out); err != nil {
			return nil
		}
	}
	if u.tooSlow {
		sock.Write([]byte(chatroom.TooSlow))
	}
	return nil
}

// Send puts msg on the queue if there is room, without waiting.
func (u *coroutinesUser) Send(msg string) bool { return u.queue.TryPut(msg) }

// Drop empties the queue and closes it, so that the writer writes TooSlow
// next, and sets a write deadline: a write still waiting for the user to
// read fails after the grace, and the writer ends.
func (u *coroutinesUser) Drop() {
	for _, ok := u.queue.TryGet(); ok; _, ok = u.queue.TryGet() {
	}
	u.tooSlow = true
	u.queue.Close()
	u.conn.SetWriteDeadline(time.Now().Add(u.grace))
}
