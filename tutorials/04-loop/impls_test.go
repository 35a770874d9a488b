package main

import (
	dispatchesstalefd "github.com/loopkit/loopkit/tutorials/04-loop/testdata/mutants/dispatches-stale-fd"
	nofifotiebreak "github.com/loopkit/loopkit/tutorials/04-loop/testdata/mutants/no-fifo-tie-break"
	runsnewcallbacks "github.com/loopkit/loopkit/tutorials/04-loop/testdata/mutants/runs-new-callbacks"
	timeoutzerospin "github.com/loopkit/loopkit/tutorials/04-loop/testdata/mutants/timeout-zero-spin"
)

// The known-wrong versions, for CI to prove that the checks catch them
// (LOOPKIT_IMPL=mutant/NAME; see tutorials/steps.json).
func init() {
	impls["mutant/timeout-zero-spin"] = adapt(timeoutzerospin.New)
	impls["mutant/runs-new-callbacks"] = adapt(runsnewcallbacks.New)
	impls["mutant/no-fifo-tie-break"] = adapt(nofifotiebreak.New)
	impls["mutant/dispatches-stale-fd"] = adapt(dispatchesstalefd.New)
}
