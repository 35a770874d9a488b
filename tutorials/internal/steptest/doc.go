// Package steptest is what the checks of the tutorial steps share:
//
//   - Impl picks the implementation to check by LOOPKIT_IMPL: the
//     student's exercise (the default), the reference solution, or a
//     known-wrong mutant;
//   - Server runs a program under check in goroutines of its own, turns a
//     skeleton's TODO panic into "Echo is not implemented yet (TODO(step01)
//     in exercise/echo.go:15)" (package todo), and stops it when the test
//     ends, within a bound;
//   - Echo is the echo suite: a mebibyte in pieces of random size, over
//     loopback, with Go's net package as the client; Client scripts a
//     conversation;
//   - ShortWrite makes a blocking write return short, on purpose;
//   - CheckLeaks counts fds and goroutines before and after a test;
//   - Gate and Within make gated checks: "was B served while A was held?",
//     never "how fast";
//   - OwnPoller, NotKitPoller and NotKitLoop notice a student's poller or
//     loop that is the kit's own in disguise.
//
// A step's check_test.go reads like this:
//
//	func TestPoller(t *testing.T) {
//		looptest.TestPoller(t, steptest.OwnPoller(steptest.Impl(t, impls)))
//	}
//
// where impls is the step's registry (impls.go). LOOPKIT_IMPL is an environment variable, not a test flag, so
// that one go test command can cover many step packages, and go test's
// cache keys on it. Every bound scales with LOOPKIT_TIME_SCALE.
//
// Only tests import this package. Like any test peer, it may block, sleep
// and use package net: it plays the world outside the program under check.
package steptest
