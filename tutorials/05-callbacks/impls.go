package main

import (
	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/loop"
	exercise "github.com/loopkit/loopkit/tutorials/05-callbacks/exercise"
	solution "github.com/loopkit/loopkit/tutorials/05-callbacks/solution"
)

// program is what you write in this step: the two functions of
// exercise/pyramid.go. The field types make the compiler check that the
// exercise, the solution and every mutant have the same signatures.
type program struct {
	Echo          func(c *callbacks.Conn)
	BeerThenFruit func(l *loop.Loop, base string, done func(fruit string, err error))
}

// impls are the versions this step can run: -ref picks the solution, and
// the checks pick one by LOOPKIT_IMPL.
var impls = map[string]program{
	"exercise": {Echo: exercise.Echo, BeerThenFruit: exercise.BeerThenFruit},
	"solution": {Echo: solution.Echo, BeerThenFruit: solution.BeerThenFruit},
}
