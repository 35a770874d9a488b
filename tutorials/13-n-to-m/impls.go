package main

import (
	"github.com/loopkit/loopkit/examples"
	exercise "github.com/loopkit/loopkit/tutorials/13-n-to-m/exercise"
	solution "github.com/loopkit/loopkit/tutorials/13-n-to-m/solution"
	"github.com/loopkit/loopkit/tutorials/internal/loopserver"
)

// serveFunc is the step's entry point: start cfg.Loops loops, each with the
// server serve makes, all on one port.
type serveFunc = func(cfg examples.Config, serve loopserver.Serve) (examples.Server, error)

// impls are the versions this step can run: -ref picks the solution, and
// the checks pick one by LOOPKIT_IMPL. The value type makes the compiler
// check that both have the same Serve.
var impls = map[string]serveFunc{
	"exercise": exercise.Serve,
	"solution": solution.Serve,
}
