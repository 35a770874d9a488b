package main

import (
	closesfirstlooponly "github.com/loopkit/loopkit/tutorials/13-n-to-m/testdata/mutants/closes-first-loop-only"
	closesfromoutside "github.com/loopkit/loopkit/tutorials/13-n-to-m/testdata/mutants/closes-from-outside"
	kitserveloops "github.com/loopkit/loopkit/tutorials/13-n-to-m/testdata/mutants/kit-serveloops"
	nolockosthread "github.com/loopkit/loopkit/tutorials/13-n-to-m/testdata/mutants/no-lock-os-thread"
	noreuseport "github.com/loopkit/loopkit/tutorials/13-n-to-m/testdata/mutants/no-reuseport"
)

// The known-wrong versions, for CI to prove that the checks catch them
// (LOOPKIT_IMPL=mutant/NAME; see tutorials/steps.json).
func init() {
	impls["mutant/no-reuseport"] = noreuseport.Serve
	impls["mutant/no-lock-os-thread"] = nolockosthread.Serve
	impls["mutant/closes-first-loop-only"] = closesfirstlooponly.Serve
	impls["mutant/closes-from-outside"] = closesfromoutside.Serve
	impls["mutant/kit-serveloops"] = kitserveloops.Serve
}
