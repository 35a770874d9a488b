package main

import (
	exercise "github.com/loopkit/loopkit/tutorials/01-blocking/exercise"
	solution "github.com/loopkit/loopkit/tutorials/01-blocking/solution"
)

// impls are the versions of Echo this step can run: -ref picks the
// solution, and the checks pick one by LOOPKIT_IMPL. The value type makes
// the compiler check that both have the same signature.
var impls = map[string]func(fd int) error{
	"exercise": exercise.Echo,
	"solution": solution.Echo,
}
