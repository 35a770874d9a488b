package main

import (
	"context"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/examples/fetch"
	"github.com/loopkit/loopkit/internal/chatroom"
	exercise "github.com/loopkit/loopkit/tutorials/08-toolkit/exercise"
	solution "github.com/loopkit/loopkit/tutorials/08-toolkit/solution"
)

// A chat is a chat server's handler of one connection, for a
// coroutines.StreamServer.
type chat interface {
	Handle(ctx context.Context, conn *coroutines.Conn)
}

// program is what you write in this step: the chat server and the fetch.
// The field types make the compiler check that the exercise, the solution
// and every mutant have the same signatures.
type program struct {
	NewChat  func(limits chatroom.Limits) chat
	FetchAll func(ctx context.Context, urls []string, pool int, timeout time.Duration) []fetch.Result
}

// impls are the versions this step can run: -ref picks the solution, and
// the checks pick one by LOOPKIT_IMPL.
var impls = map[string]program{
	"exercise": {NewChat: func(l chatroom.Limits) chat { return exercise.NewChat(l) }, FetchAll: exercise.FetchAll},
	"solution": {NewChat: func(l chatroom.Limits) chat { return solution.NewChat(l) }, FetchAll: solution.FetchAll},
}
