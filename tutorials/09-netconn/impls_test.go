package main

import (
	closeleavespending "github.com/loopkit/loopkit/tutorials/09-netconn/testdata/mutants/close-leaves-pending"
	deadlineneverfires "github.com/loopkit/loopkit/tutorials/09-netconn/testdata/mutants/deadline-never-fires"
	pastdeadlineignored "github.com/loopkit/loopkit/tutorials/09-netconn/testdata/mutants/past-deadline-ignored"
	timeoutnotneterror "github.com/loopkit/loopkit/tutorials/09-netconn/testdata/mutants/timeout-not-net-error"
)

// The known-wrong versions, for CI to prove that the checks catch them
// (LOOPKIT_IMPL=mutant/NAME; see tutorials/steps.json).
func init() {
	impls["mutant/past-deadline-ignored"] = adapt(pastdeadlineignored.Listen)
	impls["mutant/timeout-not-net-error"] = adapt(timeoutnotneterror.Listen)
	impls["mutant/close-leaves-pending"] = adapt(closeleavespending.Listen)
	impls["mutant/deadline-never-fires"] = adapt(deadlineneverfires.Listen)
}
