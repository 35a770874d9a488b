package main

import (
	nevercloses "github.com/loopkit/loopkit/tutorials/05-callbacks/testdata/mutants/never-closes"
	swallowserrors "github.com/loopkit/loopkit/tutorials/05-callbacks/testdata/mutants/swallows-errors"
)

// The known-wrong versions, for CI to prove that the checks catch them
// (LOOPKIT_IMPL=mutant/NAME; see tutorials/steps.json).
func init() {
	impls["mutant/swallows-errors"] = program{Echo: swallowserrors.Echo, BeerThenFruit: swallowserrors.BeerThenFruit}
	impls["mutant/never-closes"] = program{Echo: nevercloses.Echo, BeerThenFruit: nevercloses.BeerThenFruit}
}
