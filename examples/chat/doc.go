// Package chat is the chat server of the gevent talk, in every style. A user
// connects (telnet or nc), is asked for a name, and from then on every line
// they type reaches every user as "NAME> line"; everyone is told who joins
// and who leaves.
//
// As the talk recommends, each user has a reader and a writer and a queue
// between them: the reader turns the user's lines into broadcasts, which
// put a message on every user's queue; the writer takes messages off its
// user's queue and writes them to the socket. A queue is bounded: a user who
// reads slower than the room talks is dropped, never waited for (see
// internal/chatroom, which also holds the texts, the limits, the line
// framing and the room, the same for every style).
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
