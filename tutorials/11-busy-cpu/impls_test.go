package main

import (
	allontheloop "github.com/loopkit/loopkit/tutorials/11-busy-cpu/testdata/mutants/all-on-the-loop"
	callsoonfromworker "github.com/loopkit/loopkit/tutorials/11-busy-cpu/testdata/mutants/callsoon-from-worker"
)

// The known-wrong versions, for CI to prove that the checks catch them
// (LOOPKIT_IMPL=mutant/NAME; see tutorials/steps.json).
func init() {
	impls["mutant/all-on-the-loop"] = adapt(allontheloop.New)
	impls["mutant/callsoon-from-worker"] = adapt(callsoonfromworker.New)
}
