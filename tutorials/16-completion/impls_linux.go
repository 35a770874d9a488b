//go:build linux

package main

import (
	"github.com/loopkit/loopkit/examples/echo/completion"
	"github.com/loopkit/loopkit/internal/uring"
	exercise "github.com/loopkit/loopkit/tutorials/16-completion/exercise"
	solution "github.com/loopkit/loopkit/tutorials/16-completion/solution"
)

// queuesFunc is the step's entry point: the submit and reap half over a
// ring the kit has set up.
type queuesFunc = func(*uring.Ring) completion.Queues

// impls are the rings this step can run: -ref picks the solution, and the
// checks pick one by LOOPKIT_IMPL.
var impls = map[string]queuesFunc{
	"exercise": adapt(exercise.New),
	"solution": adapt(solution.New),
}

// adapt turns a package's New, which returns its own *Ring, into the step's
// entry point. The type parameter makes the compiler check that every
// version has the same New, NextSQE, Enter and Completion.
func adapt[Q completion.Queues](newRing func(*uring.Ring) Q) queuesFunc {
	return func(r *uring.Ring) completion.Queues { return newRing(r) }
}
