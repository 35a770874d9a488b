// Package examples is the harness of the example programs: the Config a
// server is started with, the Server every style returns, the table of
// styles each program registers, and the two ways a server runs (a
// goroutine per connection on Go's net, or a Program on loops).
//
// There are three programs, each a package with one file per style:
//
//   - echo: every byte a client sends comes back.
//   - chat: the chat server of the gevent talk (users, names, broadcast).
//   - fetch: "100 web requests in parallel through a pool of 20".
//
// and four styles, the same in every program:
//
//   - goroutines.go: the baseline, Go's net package with one goroutine per
//     connection. The runtime's netpoller is the event loop, hidden.
//   - callbacks.go: raw callbacks on a loopkit loop (package callbacks).
//   - protocol.go: protocol objects, asyncio's style (callbacks/protocol).
//   - coroutines.go: channel-based coroutines with gevent's toolkit
//     (package coroutines).
//
// Each loop style of a program is a whole program a reader follows top to
// bottom, as the talk writes its chat: it makes its loop, opens its
// listener, and runs the loop, in sight. What it needs from the harness
// comes in a Run: the address, whether to share the port, the options of
// loop.New; and it tells the harness, with Run.Serving, where it listens
// and how to stop it. Start calls the program once per loop (n connections
// on m loops), and Hooks let trace/scenarios put a fake clock and a
// recorder on the loops, so the diagrams always show the examples' code
// while the examples import nothing of package trace.
//
// The files of one program are laid out alike and what is not the style
// lives once elsewhere (the chat's texts, limits and room in
// internal/chatroom, the fetch's HTTP in internal/httpget), so that
//
//	diff examples/echo/callbacks.go examples/echo/protocol.go
//
// shows only what the style changes. Each program has a behaviour suite
// (echotest, chattest, fetchtest) run against every style on every backend,
// and cmd/loopkit runs the programs (loopkit run), measures them side by
// side (loopkit compare) and draws them (loopkit trace).
//
// Where not to add things: a program's logic belongs in its package or in
// an internal package it shares with its styles; this package only starts
// and stops programs.
package examples
