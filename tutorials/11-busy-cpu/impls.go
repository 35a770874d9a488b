package main

import (
	"github.com/loopkit/loopkit/loop"
	exercise "github.com/loopkit/loopkit/tutorials/11-busy-cpu/exercise"
	solution "github.com/loopkit/loopkit/tutorials/11-busy-cpu/solution"
	"github.com/loopkit/loopkit/tutorials/internal/lineserver"
	"github.com/loopkit/loopkit/tutorials/internal/work"
)

// newHandlerFunc is the step's entry point: the line handler of a server
// on l that runs its work in a mode (0 all at once, 1 in slices, 2 on a
// worker: the Modes of the step's package).
type newHandlerFunc = func(l *loop.Loop, mode int, newWork func(arg string) (work.Work, error)) lineserver.Handler

// impls are the servers this step can run: -ref picks the solution, and the
// checks pick one by LOOPKIT_IMPL.
var impls = map[string]newHandlerFunc{
	"exercise": adapt(exercise.New),
	"solution": adapt(solution.New),
}

// The modes, as the program and the checks name them.
const (
	allAtOnce = int(solution.AllAtOnce)
	inSlices  = int(solution.InSlices)
	onWorker  = int(solution.OnWorker)
)

// modeName returns a mode's name for tables and messages: "in slices".
func modeName(mode int) string { return solution.Mode(mode).String() }

// adapt turns a package's New, which takes its own Mode and returns its own
// *Server, into the step's entry point. The type parameters make the
// compiler check that every version has the same New and OnLine.
func adapt[M ~int, S interface {
	OnLine(c *lineserver.Conn, line string)
}](newServer func(*loop.Loop, M, func(string) (work.Work, error)) S) newHandlerFunc {
	return func(l *loop.Loop, mode int, newWork func(string) (work.Work, error)) lineserver.Handler {
		return newServer(l, M(mode), newWork).OnLine
	}
}
