package main

import (
	"context"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/chatroom"
	exercise "github.com/loopkit/loopkit/tutorials/12-deadlock/exercise"
	solution "github.com/loopkit/loopkit/tutorials/12-deadlock/solution"
)

// newHandlerFunc is the step's entry point: the connection handler of a
// chat that keeps limits.
type newHandlerFunc = func(limits chatroom.Limits) func(ctx context.Context, conn *coroutines.Conn) error

// impls are the chats this step can run: -ref picks the solution, and the
// checks pick one by LOOPKIT_IMPL.
var impls = map[string]newHandlerFunc{
	"exercise": func(limits chatroom.Limits) func(context.Context, *coroutines.Conn) error {
		return exercise.New(limits).Handle
	},
	"solution": func(limits chatroom.Limits) func(context.Context, *coroutines.Conn) error {
		return solution.New(limits).Handle
	},
}
