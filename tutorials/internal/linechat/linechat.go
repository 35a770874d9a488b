// Package linechat is the chat of tutorial step 06, around the line
// protocol the student writes there. The protocol object does what is the
// step's lesson: it cuts the byte stream into lines, caps their length,
// holds messages back while the peer does not read, and cleans up when the
// connection is lost. This package does the rest, which is not: the talk's
// chat (a name, then every line to everyone), with the texts, the room and
// the names of internal/chatroom.
//
// The two meet through two small interfaces: a Handler is told what
// happens on a connection, in lines; a Lines is what the handler may do
// with the connection. Both run on the loop goroutine only.
package linechat

import (
	"errors"
	"net/netip"

	"github.com/loopkit/loopkit/internal/chatroom"
)

// Lines is one connection, as its line protocol shows it to a Handler.
type Lines interface {
	// Send queues msg, a whole message with its "\n", for the peer. It
	// never blocks. It returns false, and keeps nothing, if the messages
	// held back for a peer that does not read have reached their limit:
	// that peer is too slow. After the connection is lost it drops msg
	// and returns true: there is nobody left to fall behind.
	Send(msg string) bool
	// Close writes what is queued, then closes the connection. No line is
	// delivered after Close.
	Close()
	// Abort closes the connection at once: what is queued is dropped, the
	// peer gets a reset.
	Abort()
	// RemoteAddr is the peer's address.
	RemoteAddr() netip.AddrPort
}

// A Handler is told, by a line protocol, what happens on its connection:
// Opened once, when the connection is made; LineReceived for each line, in
// order; Closed once, last, whatever ends the connection.
type Handler interface {
	Opened(c Lines)
	// LineReceived gets a line without its "\n" (and without a "\r"
	// before it), cut to the protocol's maximum length.
	LineReceived(c Lines, line string)
	// Closed gets nil after an orderly end, or what broke the connection.
	Closed(c Lines, err error)
}

// Chat is the talk's chat server as a Handler: it asks each connection
// for a name, then sends each line it receives to everyone in the room.
type Chat struct {
	limits chatroom.Limits
	room   *chatroom.Room
	users  map[Lines]*user
}

// NewChat returns an empty chat that keeps limits. A user who falls
// MaxQueued messages behind is dropped: their connection is aborted.
func NewChat(limits chatroom.Limits) *Chat {
	return &Chat{limits: limits, room: chatroom.NewRoom(limits), users: map[Lines]*user{}}
}

// A user is one connection of the chat, and its member of the room.
type user struct {
	lines Lines
	name  string // "" until the user has joined
}

// Send and Drop make a user a chatroom.Member. The step's chat drops a
// slow user with a reset; examples/chat writes chatroom.TooSlow first,
// which takes a timer and a grace period, not this step's lesson.
func (u *user) Send(msg string) bool { return u.lines.Send(msg) }
func (u *user) Drop()                { u.lines.Abort() }

// Opened asks for the name.
func (c *Chat) Opened(l Lines) {
	c.users[l] = &user{lines: l}
	l.Send(chatroom.Prompt)
}

// LineReceived takes one line: a name until the user has joined, then a
// message for everyone.
func (c *Chat) LineReceived(l Lines, line string) {
	u := c.users[l]
	if u == nil {
		return // a line after Closed: the protocol's mistake, not the chat's
	}
	if u.name != "" {
		c.room.Say(u.name, line)
		return
	}
	name, reply, ok := chatroom.CheckName(line, c.limits.MaxName)
	if ok {
		err := c.room.Join(name, l.RemoteAddr().Addr().String(), u)
		switch {
		case err == nil:
			u.name = name
			return
		case errors.Is(err, chatroom.ErrFull):
			l.Send(chatroom.Full)
			l.Close()
			return
		}
		reply = chatroom.NameTaken
	}
	l.Send(reply + chatroom.Prompt)
}

// Closed takes the user out of the room, if they were in.
func (c *Chat) Closed(l Lines, err error) {
	u := c.users[l]
	delete(c.users, l)
	if u != nil && u.name != "" {
		c.room.Leave(u.name, u)
	}
}

// Users returns the number of connections the chat knows.
func (c *Chat) Users() int { return len(c.users) }
