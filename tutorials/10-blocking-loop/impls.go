package main

import (
	"github.com/loopkit/loopkit/loop"
	exercise "github.com/loopkit/loopkit/tutorials/10-blocking-loop/exercise"
	solution "github.com/loopkit/loopkit/tutorials/10-blocking-loop/solution"
	"github.com/loopkit/loopkit/tutorials/internal/lineserver"
)

// newHandlerFunc is the step's entry point: the line handler of a server
// on l that looks names up in directory.
type newHandlerFunc = func(l *loop.Loop, directory func(name string) string) lineserver.Handler

// impls are the servers this step can run: -ref picks the solution, and the
// checks pick one by LOOPKIT_IMPL.
var impls = map[string]newHandlerFunc{
	"exercise": adapt(exercise.New),
	"solution": adapt(solution.New),
}

// adapt turns a package's New, which returns its own *Server, into the
// step's entry point. The type parameter makes the compiler check that
// every version's Server has OnLine.
func adapt[S interface {
	OnLine(c *lineserver.Conn, line string)
}](newServer func(*loop.Loop, func(string) string) S) newHandlerFunc {
	return func(l *loop.Loop, directory func(string) string) lineserver.Handler {
		return newServer(l, directory).OnLine
	}
}
