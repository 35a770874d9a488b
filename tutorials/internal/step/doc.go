// Package step is what the fourteen programs of the tutorial have in
// common, so that each step's main.go shows only what is the step's own:
// the server it builds, and the clients of its demo.
//
// Every step's program takes the same flags. -addr is where it listens
// (127.0.0.1:70NN; port 0 picks a free one), -ref runs the reference
// solution instead of your exercise, -demo runs built-in clients, prints
// what they saw and exits, and -trace, where a step has one, prints what
// the loop does; -serve, where a step has one (03, 04), serves a real
// program, the talk's chat or echo, on your code until Ctrl-C. A step adds its own flags to the Program before Run,
// which parses them all and calls the step's body with a Run: where to
// listen, which version to run, and whether this is the demo.
//
// What Run decides for the step:
//
//   - An unfinished exercise. A hole of a skeleton panics with
//     "TODO(stepNN): ...". Run looks for those panics in the step's
//     exercise/ source before anything starts. The demo then runs the
//     reference instead, and says so first, so that -demo works on the
//     first day, before a line is written; the server runs your code
//     anyway, after a note naming the hole, because trying your own
//     half-done code by hand is a reason to run it.
//   - A TODO panic that reaches Run all the same (the source was not
//     found, or the program runs outside the repository) becomes an error
//     that names the hole, through package todo, never a goroutine dump.
//   - Real clients on the student's code. Before -serve serves, Conform
//     runs the step's conformance suite on the code (go test, the suite
//     make check runs, bounded in time) and refuses with its first failure:
//     a poller that reports every fd ready would otherwise serve garbage,
//     and one that sleeps through its timeout would hang, with no word of
//     why.
//   - Ctrl-C. WaitInterrupt and OnInterrupt catch the first one only, so
//     that a second Ctrl-C ends a program that does not stop.
//
// Discussion: the demo could instead probe the exercise, call it and see
// whether it panics. But a hole is often reached only deep inside a
// demo, from a loop callback or a coroutine, and a probe per step would
// be one more piece of code per step to read. Reading the source finds
// every hole, in every step, in one place, and names its file and line
// before the first client connects.
//
// Nothing of a lesson belongs here: a step's server, its clients, its
// tables stay in the step's directory, where the student reads them.
// Clients the demos share are in package demo.
package step
