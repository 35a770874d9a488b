package main

import (
	"testing"

	"github.com/loopkit/loopkit/examples/chat/chattest"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
)

// TestChatSurvivesARoom runs the cases of a real room (chattest.RunRoom:
// a paste, everyone bursting, peers that never read, a ghost after a drop,
// the name timeout) against the reference, which is what a workshop runs.
// Your exercise keeps the talk's simplicity and is not checked against
// them: the README says what the reference adds, and why.
func TestChatSurvivesARoom(t *testing.T) {
	if steptest.Selected() != steptest.Solution {
		t.Skip("the room's cases check the reference solution (LOOPKIT_IMPL=solution)")
	}
	steptest.CheckLeaks(t)
	p := steptest.Impl(t, impls)
	chattest.RunRoom(t, func(t *testing.T, limits chatroom.Limits) string { return startChat(t, p, limits) })
}
