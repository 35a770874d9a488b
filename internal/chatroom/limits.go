package chatroom

import "time"

// Limits are the bounds that keep one user from costing the server without
// limit: in memory (line length, bytes waiting for a user), in people
// (users), and in time (a name not given, a user who reads nothing).
type Limits struct {
	MaxLine  int // bytes in a line, not counting "\n"; the rest of a longer line is cut off
	MaxName  int // bytes in a name
	MaxUsers int // users in the room at once

	// HighWater is the bytes waiting for one user (queued, or buffered by
	// the connection) above which the room stops its senders: no line is
	// read from anyone until that user has taken all but HighWater/4.
	HighWater int
	// DropGrace is how long a user above HighWater may take nothing before
	// they are dropped, and then how long their last words may take before
	// the connection is closed.
	DropGrace time.Duration
	// NameTimeout is how long a connection may take to give a name.
	NameTimeout time.Duration

	// MaxQueued is the talk's bound, in messages, of the simpler chats of
	// the tutorials: one more and the user is dropped at once.
	MaxQueued int

	// Events, if not nil, is told of each join, leave, drop and message as
	// the room sees them, on the goroutine that changes the room: the
	// teacher's console (Console.Event) listens there. The commands that
	// run a workshop's chat set it; tests leave it nil.
	Events func(Event)
}

// DefaultLimits are the limits of `loopkit run chat`.
//
// What a user costs: at most HighWater bytes wait for them, plus the one
// message that crossed the mark (up to MaxName + 4 × MaxLine bytes, a line
// of escapes), plus a "left" line for each user who leaves meanwhile; the
// writer holds one more batch while it writes it, and the reader one read
// (64 KiB) and an unfinished line. Before they have a name, one reply: the
// server stops reading from a connection whose reply is not yet sent. So
// 1000 users who all stop reading cost about 200 MB, whatever they send.
//
// Discussion: the bound is in bytes, as an IRC server's "sendq" is, because
// a message in a queue may be 10 bytes or 4 KiB. Where IRC disconnects a
// client past its sendq, this server makes the room wait: a reader who
// reads, however slowly, gets every line, and the room goes at the pace of
// its slowest reader (TCP's flow control, carried through the broadcast).
// Only a reader who takes nothing for DropGrace is dropped, after which the
// room goes on. The price: one user who stops reading stalls everyone for
// DropGrace. HighWater and HighWater/4 are asyncio's marks of a transport's
// write buffer (64 and 16 KiB).
//
// Joined users have no idle limit: most of a room listens most of the
// time, and a listener costs an idle connection and nothing more, so such a
// limit would disconnect the quiet without saving the server anything. A
// connection without a name has NameTimeout (the -name-timeout of loopkit
// run chat and of tutorial step 08) to give one.
var DefaultLimits = Limits{
	MaxLine:     1024,
	MaxName:     32,
	MaxUsers:    1000,
	HighWater:   64 << 10,
	DropGrace:   5 * time.Second,
	NameTimeout: 60 * time.Second,
	MaxQueued:   512,
}

// LowWater returns the mark below which a user's backlog lets the room go on.
func (l Limits) LowWater() int { return l.HighWater / 4 }
