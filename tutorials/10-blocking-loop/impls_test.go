package main

import (
	callsoonfromgoroutine "github.com/loopkit/loopkit/tutorials/10-blocking-loop/testdata/mutants/callsoon-from-goroutine"
	originalhandler "github.com/loopkit/loopkit/tutorials/10-blocking-loop/testdata/mutants/original-handler"
)

// The known-wrong versions, for CI to prove that the checks catch them
// (LOOPKIT_IMPL=mutant/NAME; see tutorials/steps.json).
func init() {
	impls["mutant/original-handler"] = adapt(originalhandler.New)
	impls["mutant/callsoon-from-goroutine"] = adapt(callsoonfromgoroutine.New)
}
