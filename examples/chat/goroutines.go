package chat

import (
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/internal/chatroom"
)

// StartGoroutines starts the chat server on Go's net package: for each
// user a handler goroutine, which asks for the name and then runs a reader
// goroutine and a writer goroutine, a channel between them.
func StartGoroutines(cfg examples.Config, limits chatroom.Limits) (examples.Server, error) {
	c := &goroutinesChat{limits: limits, room: chatroom.NewRoom(limits.MaxUsers)}
	return examples.ServeStream(cfg.Addr, cfg.OnError, c.handle)
}

// goroutinesChat is the server. Every user's goroutines share the room, and
// run in parallel, so a mutex guards it: the one lock the other styles do
// without, since only their loop goroutine touches the room.
type goroutinesChat struct {
	limits chatroom.Limits // set by StartGoroutines

	mu   sync.Mutex // guards room
	room *chatroom.Room
}

// goroutinesUser is one user: the queue between their reader and writer.
type goroutinesUser struct {
	conn  net.Conn
	grace time.Duration
	queue chan string // closed when the user leaves or is dropped

	tooSlow bool // set by Drop before it closes queue
}

// handle serves one connection: it asks for a name, then runs the user's
// reader and writer until both have ended (the talk's joinall).
func (c *goroutinesChat) handle(conn net.Conn) {
	lines := chatroom.NewLineBuffer(c.limits.MaxLine)
	u := &goroutinesUser{conn: conn, grace: c.limits.DropGrace, queue: make(chan string, c.limits.MaxQueued)}
	name, err := c.readName(lines, u)
	if err != nil {
		return
	}
	var both sync.WaitGroup
	both.Go(func() { c.read(name, lines, u) })
	both.Go(u.write)
	both.Wait()
}

// readName asks for a name until the user gives one that is free, and
// joins the user under it. A full room is an error: the user is told, and
// the connection closed.
func (c *goroutinesChat) readName(lines *chatroom.LineBuffer, u *goroutinesUser) (string, error) {
	ip := u.conn.RemoteAddr().(*net.TCPAddr).IP.String()
	for {
		if _, err := io.WriteString(u.conn, chatroom.Prompt); err != nil {
			return "", err
		}
		line, err := lines.ReadLine(u.conn)
		if err != nil {
			return "", err
		}
		name, reply, ok := chatroom.CheckName(line, c.limits.MaxName)
		if ok {
			c.mu.Lock()
			err = c.room.Join(name, ip, u)
			c.mu.Unlock()
			switch {
			case err == nil:
				return name, nil
			case errors.Is(err, chatroom.ErrFull):
				io.WriteString(u.conn, chatroom.Full)
				return "", err
			}
			reply = chatroom.NameTaken
		}
		if _, err := io.WriteString(u.conn, reply); err != nil {
			return "", err
		}
	}
}

// read is the user's reader: it broadcasts each line the user sends, and
// when the connection ends (or the writer closed it), takes the user out of
// the room. Closing the queue then ends the writer, once it has written
// what is queued.
func (c *goroutinesChat) read(name string, lines *chatroom.LineBuffer, u *goroutinesUser) {
	for {
		line, err := lines.ReadLine(u.conn)
		if err != nil {
			break
		}
		c.mu.Lock()
		c.room.Say(name, line)
		c.mu.Unlock()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.room.Leave(name, u) {
		close(u.queue)
	}
}

// write is the user's writer: it writes the messages of the queue, in
// order, until the queue is closed; then the last words if the user was
// dropped. It takes everything queued at once and writes it in one system
// call: with 50 users, one line is 50 messages, and a write each would cost
// 50 system calls. It closes the connection when it ends, which also ends a reader
// still waiting for the user's next line.
func (u *goroutinesUser) write() {
	defer u.conn.Close()
	var out []byte
	for msg := range u.queue {
		out = append(out[:0], msg...)
		for range len(u.queue) { // and what else is queued: one write for all
			more, ok := <-u.queue
			if !ok {
				break
			}
			out = append(out, more...)
		}
		if _, err := u.conn.Write(out); err != nil {
			return
		}
	}
	if u.tooSlow {
		io.WriteString(u.conn, chatroom.TooSlow)
	}
}

// Send puts msg on the queue if there is room. The room calls it with the
// mutex held, so it never races with the close of the queue.
func (u *goroutinesUser) Send(msg string) bool {
	select {
	case u.queue <- msg:
		return true
	default:
		return false
	}
}

// Drop empties the queue and closes it, so that the writer writes TooSlow
// next, and sets a write deadline: a write still waiting for the user to
// read fails after the grace, and the writer ends.
func (u *goroutinesUser) Drop() {
	for len(u.queue) > 0 {
		select {
		case <-u.queue:
		default: // the writer took the last one
		}
	}
	u.tooSlow = true
	close(u.queue)
	u.conn.SetWriteDeadline(time.Now().Add(u.grace))
}
