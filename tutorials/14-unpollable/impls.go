package main

import (
	"github.com/loopkit/loopkit/loop"
	exercise "github.com/loopkit/loopkit/tutorials/14-unpollable/exercise"
	solution "github.com/loopkit/loopkit/tutorials/14-unpollable/solution"
)

// pool is what the step's program and checks use of a minipool.Pool.
type pool interface {
	Submit(fn func() ([]byte, error), done func([]byte, error))
	Close()
}

// newPoolFunc is the step's entry point: a pool of workers on l.
type newPoolFunc = func(l *loop.Loop, workers int) pool

// impls are the pools this step can run: -ref picks the solution, and the
// checks pick one by LOOPKIT_IMPL.
var impls = map[string]newPoolFunc{
	"exercise": adapt(exercise.New),
	"solution": adapt(solution.New),
}

// adapt turns a package's New, which returns its own *Pool, into the step's
// entry point. The type parameter makes the compiler check that every
// version has the same New, Submit and Close.
func adapt[P pool](newPool func(*loop.Loop, int) P) newPoolFunc {
	return func(l *loop.Loop, workers int) pool { return newPool(l, workers) }
}
