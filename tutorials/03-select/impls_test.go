package main

import (
	alwaysready "github.com/loopkit/loopkit/tutorials/03-select/testdata/mutants/always-ready"
	dropswriters "github.com/loopkit/loopkit/tutorials/03-select/testdata/mutants/drops-writers"
	ignorestimeout "github.com/loopkit/loopkit/tutorials/03-select/testdata/mutants/ignores-timeout"
	keepsremovedfd "github.com/loopkit/loopkit/tutorials/03-select/testdata/mutants/keeps-removed-fd"
	kitselect "github.com/loopkit/loopkit/tutorials/03-select/testdata/mutants/kit-select"
	nofdsetsizecheck "github.com/loopkit/loopkit/tutorials/03-select/testdata/mutants/no-fd-setsize-check"
)

// The known-wrong versions, for CI to prove that the checks catch them
// (LOOPKIT_IMPL=mutant/NAME; see tutorials/steps.json).
func init() {
	impls["mutant/always-ready"] = alwaysready.New
	impls["mutant/ignores-timeout"] = ignorestimeout.New
	impls["mutant/keeps-removed-fd"] = keepsremovedfd.New
	impls["mutant/drops-writers"] = dropswriters.New
	impls["mutant/no-fd-setsize-check"] = nofdsetsizecheck.New
	impls["mutant/kit-select"] = kitselect.New
}
