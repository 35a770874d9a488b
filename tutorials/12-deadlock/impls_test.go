package main

import (
	"context"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/chatroom"
	buggyleave "github.com/loopkit/loopkit/tutorials/12-deadlock/testdata/mutants/buggy-leave"
)

// The known-wrong versions, for CI to prove that the checks catch them
// (LOOPKIT_IMPL=mutant/NAME; see tutorials/steps.json).
func init() {
	impls["mutant/buggy-leave"] = func(limits chatroom.Limits) func(context.Context, *coroutines.Conn) error {
		return buggyleave.New(limits).Handle
	}
}
