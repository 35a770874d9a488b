package main

import (
	"net"

	"github.com/loopkit/loopkit/loop"
	exercise "github.com/loopkit/loopkit/tutorials/09-netconn/exercise"
	solution "github.com/loopkit/loopkit/tutorials/09-netconn/solution"
)

// listenFunc is the step's entry point: a net.Listener on a loop, whose
// connections are net.Conns on the same loop.
type listenFunc = func(l *loop.Loop, addr string) (net.Listener, error)

// impls are the versions this step can run: -ref picks the solution, and
// the checks pick one by LOOPKIT_IMPL.
var impls = map[string]listenFunc{
	"exercise": adapt(exercise.Listen),
	"solution": adapt(solution.Listen),
}

// adapt turns a package's Listen, which returns its own *Listener, into
// the step's entry point; the type parameter makes the compiler check
// that it is a net.Listener.
func adapt[L net.Listener](listen func(*loop.Loop, string) (L, error)) listenFunc {
	return func(l *loop.Loop, addr string) (net.Listener, error) {
		ln, err := listen(l, addr)
		if err != nil {
			return nil, err // not ln: a nil *Listener in an interface is not nil
		}
		return ln, nil
	}
}
