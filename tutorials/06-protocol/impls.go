package main

import (
	"github.com/loopkit/loopkit/callbacks/protocol"
	exercise "github.com/loopkit/loopkit/tutorials/06-protocol/exercise"
	solution "github.com/loopkit/loopkit/tutorials/06-protocol/solution"
	"github.com/loopkit/loopkit/tutorials/internal/linechat"
)

// lineProtocol is what this step's program and checks use of a
// LineProtocol: a protocol object with flow control, the connection a
// linechat.Handler sees, and Partial, for the check of the line cap.
type lineProtocol interface {
	protocol.Protocol
	protocol.FlowControl
	linechat.Lines
	Partial() int
}

// newProtocolFunc is the step's entry point: one LineProtocol per
// connection.
type newProtocolFunc = func(h linechat.Handler, maxLine, maxQueued int) lineProtocol

// impls are the versions this step can run: -ref picks the solution, and
// the checks pick one by LOOPKIT_IMPL.
var impls = map[string]newProtocolFunc{
	"exercise": adapt(exercise.New),
	"solution": adapt(solution.New),
}

// adapt turns a package's New, which returns its own *LineProtocol, into
// the step's entry point. The type parameter makes the compiler check that
// every version has all of lineProtocol's methods.
func adapt[P lineProtocol](newProtocol func(linechat.Handler, int, int) P) newProtocolFunc {
	return func(h linechat.Handler, maxLine, maxQueued int) lineProtocol {
		return newProtocol(h, maxLine, maxQueued)
	}
}
