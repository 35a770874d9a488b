package chatroom

import "time"

// Limits are the bounds that keep one user from costing the server without
// limit: in memory (line length, queue length), in people (users), and in
// time (how long a dropped user's last line may take).
type Limits struct {
	MaxLine   int           // bytes in a line, not counting "\n"; the rest of a longer line is cut off
	MaxName   int           // bytes in a name
	MaxUsers  int           // users in the room at once
	MaxQueued int           // messages waiting in one user's queue; one more and the user is dropped
	DropGrace time.Duration // how long a dropped user's writer may still write before the connection is closed
}

// DefaultLimits are the limits of `loopkit run chat`. A user costs at most
// MaxQueued × (MaxName + MaxLine) bytes of queue, about half a megabyte, so
// that 1000 users fit in half a gigabyte even if every one stops reading.
//
// Discussion: the bound counts messages, as gevent's Queue(maxsize) and a
// Go channel do, and it must leave room for bursts: the loop styles handle
// every line of one read before any writer runs, so the lines that arrive
// together (a paste) all land on every queue at once. IRC servers bound a
// client's queue in bytes instead (a "sendq" of a few hundred kilobytes),
// and limit how fast a client may send, which this server does not.
var DefaultLimits = Limits{
	MaxLine:   1024,
	MaxName:   32,
	MaxUsers:  1000,
	MaxQueued: 512,
	DropGrace: 5 * time.Second,
}
