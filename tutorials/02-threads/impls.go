package main

import (
	exercise "github.com/loopkit/loopkit/tutorials/02-threads/exercise"
	solution "github.com/loopkit/loopkit/tutorials/02-threads/solution"
	"github.com/loopkit/loopkit/tutorials/internal/listener"
)

// serveFunc is the step's entry point: accept from ln, serve with echo.
type serveFunc = func(ln *listener.Listener, echo func(fd int) error, report func(error)) error

// impls are the versions of Serve this step can run: -ref picks the
// solution, and the checks pick one by LOOPKIT_IMPL. The value type makes
// the compiler check that both have the same signature.
var impls = map[string]serveFunc{
	"exercise": exercise.Serve,
	"solution": solution.Serve,
}
