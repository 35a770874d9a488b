package main

import (
	"os"

	"github.com/loopkit/loopkit/loop"
	exercise "github.com/loopkit/loopkit/tutorials/15-signals-children/exercise"
	solution "github.com/loopkit/loopkit/tutorials/15-signals-children/solution"
	"golang.org/x/sys/unix"
)

// onSignalFunc is OnSignal's type: the SIGCHLD handler of a reaper, and
// the program's Ctrl-C.
type onSignalFunc = func(l *loop.Loop, sig os.Signal, fn func()) (stop func())

// reaper is what the program and the checks use of a Reaper.
type reaper interface {
	Start(argv []string, onExit func(unix.WaitStatus)) (int, error)
	Close()
	Signals() int
}

// program is what you write in this step: OnSignal and the Reaper of
// exercise/. The field types make the compiler check that the exercise,
// the solution and every mutant have the same signatures.
type program struct {
	OnSignal onSignalFunc
	New      func(l *loop.Loop, onSignal onSignalFunc) reaper
}

// impls are the versions this step can run: -ref picks the solution, and
// the checks pick one by LOOPKIT_IMPL.
var impls = map[string]program{
	"exercise": {OnSignal: exercise.OnSignal, New: func(l *loop.Loop, on onSignalFunc) reaper { return exercise.New(l, on) }},
	"solution": {OnSignal: solution.OnSignal, New: func(l *loop.Loop, on onSignalFunc) reaper { return solution.New(l, on) }},
}
