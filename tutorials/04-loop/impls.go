package main

import (
	"io"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
	exercise "github.com/loopkit/loopkit/tutorials/04-loop/exercise"
	solution "github.com/loopkit/loopkit/tutorials/04-loop/solution"
)

// Loop is what this step's program and checks use of a loop: the methods
// looptest.TestLoop calls, and SetTrace for -trace.
type Loop interface {
	AddReader(fd int, fn func()) error
	AddWriter(fd int, fn func()) error
	RemoveReader(fd int) bool
	RemoveWriter(fd int) bool
	CallSoon(fn func())
	CallLater(d time.Duration, fn func()) *timers.Timer
	CallSoonThreadSafe(fn func()) error
	RunOnce() error
	Run() error
	Stop()
	Close() error
	SetTrace(w io.Writer)
}

// newLoopFunc is the step's entry point: a loop on a poller and a clock.
type newLoopFunc = func(poller loop.Poller, clock timers.Clock, onError func(error)) (Loop, error)

// impls are the loops this step can run: -ref picks the solution, and the
// checks pick one by LOOPKIT_IMPL.
var impls = map[string]newLoopFunc{
	"exercise": adapt(exercise.New),
	"solution": adapt(solution.New),
}

// adapt turns a package's New, which returns its own *Loop, into the
// step's entry point. The type parameter makes the compiler check that
// every version's *Loop has all of Loop's methods.
func adapt[L Loop](newLoop func(loop.Poller, timers.Clock, func(error)) (L, error)) newLoopFunc {
	return func(p loop.Poller, c timers.Clock, onError func(error)) (Loop, error) {
		l, err := newLoop(p, c, onError)
		if err != nil {
			return nil, err // not l: a nil *Loop in an interface is not nil
		}
		return l, nil
	}
}
