// Package chat is the chat server of the gevent talk, in every style. A user
// connects (loopkit join HOST:PORT, a line client), is asked for a name,
// and from then on every line they type reaches every user as "NAME> line";
// everyone is told who joins and who leaves.
//
// As the talk recommends, each user has a reader and a writer and a queue
// between them: the reader turns the user's lines into broadcasts, which
// put a message on every user's queue; the writer takes messages off its
// user's queue and writes them to the socket.
//
// Unlike the talk's, these servers survive a real room (a workshop joining
// with telnet, someone pasting a file). The queues are bounded in bytes,
// through the room: when a broadcast leaves a user's backlog above
// Limits.HighWater, every sender stops reading until that user has caught
// up, so a user who reads gets every line, whatever the others paste; only
// a user who takes nothing for Limits.DropGrace is dropped, after which the
// room goes on. Each style shows this flow control in its own idiom:
// PauseReading and the flush callback (callbacks), asyncio's pause_reading
// and pause_writing (protocol), a reader parked on an Event (coroutines), a
// reader waiting on a channel (goroutines). A connection that reads nothing
// before giving a name is read no further while a reply is unsent, and is
// closed after Limits.NameTimeout; a user who leaves or is dropped says
// nothing more; text reaches the others escaped (chatroom.Escape); a
// connection the server could not serve is reported (chatroom.Reporter).
// A user who has joined has no idle limit: most of a room listens most of
// the time. The room tells Limits.Events of who joins, leaves and is
// dropped, and of each message: loopkit run chat shows them on the
// teacher's console (chatroom.Console).
// internal/chatroom holds the texts, the limits, the line framing and the
// room, the same for every style.
//
// Each style is one file with one start function (StartGoroutines,
// StartCallbacks, StartProtocol, StartCoroutines), registered in Styles;
// goroutines.go is the program closest to the talk's. chattest.Run is the
// behaviour every one of them passes, on every backend. A chat server keeps
// its users in one memory, so it runs on one loop (Config.Loops > 1 is
// refused).
package chat

import (
	"errors"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/internal/chatroom"
)

// Start starts a chat server as cfg says, keeping limits.
type Start func(cfg examples.Config, limits chatroom.Limits) (examples.Server, error)

// Styles lists the chat server in every style.
var Styles = examples.Styles[Start]{
	{Name: "goroutines", Start: StartGoroutines},
	{Name: "callbacks", Start: StartCallbacks},
	{Name: "protocol", Start: StartProtocol},
	{Name: "coroutines", Start: StartCoroutines},
}

// errOneLoop refuses Config.Loops > 1: the room is one map, which the loops
// would have to share and lock, and the styles on a loop have no locks.
var errOneLoop = errors.New("chat: the chat server runs on one loop (its users are in one room); Loops must be 0 or 1")
