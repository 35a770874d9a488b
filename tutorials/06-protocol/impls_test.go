package main

import (
	dropstailoneagain "github.com/loopkit/loopkit/tutorials/06-protocol/testdata/mutants/drops-tail-on-eagain"
	forgetshandler "github.com/loopkit/loopkit/tutorials/06-protocol/testdata/mutants/forgets-handler"
	ignorespause "github.com/loopkit/loopkit/tutorials/06-protocol/testdata/mutants/ignores-pause"
	lineperchunk "github.com/loopkit/loopkit/tutorials/06-protocol/testdata/mutants/line-per-chunk"
	linesafterclose "github.com/loopkit/loopkit/tutorials/06-protocol/testdata/mutants/lines-after-close"
)

// The known-wrong versions, for CI to prove that the checks catch them
// (LOOPKIT_IMPL=mutant/NAME; see tutorials/steps.json).
func init() {
	impls["mutant/drops-tail-on-eagain"] = adapt(dropstailoneagain.New)
	impls["mutant/ignores-pause"] = adapt(ignorespause.New)
	impls["mutant/line-per-chunk"] = adapt(lineperchunk.New)
	impls["mutant/lines-after-close"] = adapt(linesafterclose.New)
	impls["mutant/forgets-handler"] = adapt(forgetshandler.New)
}
