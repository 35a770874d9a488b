package main

import (
	"github.com/loopkit/loopkit/internal/chatroom"
	contexttimeout "github.com/loopkit/loopkit/tutorials/08-toolkit/testdata/mutants/context-timeout"
	noleave "github.com/loopkit/loopkit/tutorials/08-toolkit/testdata/mutants/no-leave"
	nopool "github.com/loopkit/loopkit/tutorials/08-toolkit/testdata/mutants/no-pool"
)

// The known-wrong versions, for CI to prove that the checks catch them
// (LOOPKIT_IMPL=mutant/NAME; see tutorials/steps.json).
func init() {
	impls["mutant/no-leave"] = program{NewChat: func(l chatroom.Limits) chat { return noleave.NewChat(l) }, FetchAll: noleave.FetchAll}
	impls["mutant/no-pool"] = program{NewChat: func(l chatroom.Limits) chat { return nopool.NewChat(l) }, FetchAll: nopool.FetchAll}
	impls["mutant/context-timeout"] = program{NewChat: func(l chatroom.Limits) chat { return contexttimeout.NewChat(l) }, FetchAll: contexttimeout.FetchAll}
}
