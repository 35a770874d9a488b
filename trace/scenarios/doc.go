// Package scenarios runs small, real programs on a traced loop and returns
// what the loop and the coroutines did, for `loopkit trace` and for the
// diagrams of docs/diagrams: the talk's "language of diagrams", drawn from
// runs rather than by hand.
//
// There are four scenarios, each in the styles that run on a loop:
//
//   - print_sum: the talk's print_sum and compute, compute sleeping a
//     second: in coroutines (print_sum spawns compute and joins it) and in
//     callbacks (compute calls back).
//   - echo: the echo example with two clients, each sending a line and
//     closing its side, one step after the other.
//   - chat: the chat example with two users, alice and bob.
//   - fetch: the fetch example, four URLs through a pool of three, from a
//     local server.
//
// Each runs on a fake clock (timers.Fake) and comes out the same, byte for
// byte, on every run and every backend: the clients and servers outside
// the loop act one step at a time, only when the loop would otherwise
// block (internal/stage says how), and fds are named by role ("listener",
// "conn#1"), not by number. The tests hold the diagrams of every scenario
// as golden files in docs/diagrams, checked on every backend;
//
//	go generate ./trace/scenarios
//
// rewrites them and the quotes of docs/styles.md (it runs the tests with
// -update).
//
// # How the examples are traced
//
// The echo, chat and fetch scenarios run the programs of package examples
// as they are, from their Styles tables, as loopkit run starts them. The
// programs make their loops (loop.New) and hubs (coroutines.NewHub)
// themselves; what puts those on the stage is the Hooks of the program's
// Config (examples.Hooks): loop options for the fake clock and the
// recorder, and a function called with each loop and each hub as it is
// made. So the diagrams always show the examples' code, and the examples
// import nothing of package trace.
//
// # Where not to add things
//
// A scenario is a script for the world outside the loop and nothing else:
// the program it traces belongs in examples/ (or, for print_sum, in its
// file here, as the talk wrote it). Drawing belongs in package trace.
package scenarios

//go:generate go test . -run "TestDiagrams|TestStep|TestDocs" -update
