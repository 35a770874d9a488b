package main

import (
	"github.com/loopkit/loopkit/loop"
	exercise "github.com/loopkit/loopkit/tutorials/03-select/exercise"
	solution "github.com/loopkit/loopkit/tutorials/03-select/solution"
)

// impls are the pollers this step can run: -ref picks the solution, and the
// checks pick one by LOOPKIT_IMPL. The value type is the step's entry
// point: the compiler checks that both have it.
var impls = map[string]func() (loop.Poller, error){
	"exercise": exercise.New,
	"solution": solution.New,
}
