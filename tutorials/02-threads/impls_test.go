package main

import (
	nevercloses "github.com/loopkit/loopkit/tutorials/02-threads/testdata/mutants/never-closes"
	oneatatime "github.com/loopkit/loopkit/tutorials/02-threads/testdata/mutants/one-at-a-time"
)

// The known-wrong versions, for CI to prove that the checks catch them
// (LOOPKIT_IMPL=mutant/NAME; see tutorials/steps.json).
func init() {
	impls["mutant/one-at-a-time"] = oneatatime.Serve
	impls["mutant/never-closes"] = nevercloses.Serve
}
