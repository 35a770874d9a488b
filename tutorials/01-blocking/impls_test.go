package main

import (
	oneread "github.com/loopkit/loopkit/tutorials/01-blocking/testdata/mutants/one-read"
	singlewrite "github.com/loopkit/loopkit/tutorials/01-blocking/testdata/mutants/single-write"
)

// The known-wrong versions, for CI to prove that the checks catch them
// (LOOPKIT_IMPL=mutant/NAME; see tutorials/steps.json).
func init() {
	impls["mutant/single-write"] = singlewrite.Echo
	impls["mutant/one-read"] = oneread.Echo
}
