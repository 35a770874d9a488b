// Package examples holds what the example programs share: the Config a
// server is started with, the Server every style returns, the table of
// styles each program registers, and the two ways a server runs (a
// goroutine per connection on Go's net, or a kit front end on loops).
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
// The files of one program are laid out alike and what is not the style
// lives once elsewhere (the chat's texts, limits and room in
// internal/chatroom, the fetch's HTTP in internal/httpget), so that
//
//	diff examples/chat/callbacks.go examples/chat/coroutines.go
//
// shows only what the style changes. Each program has a behaviour suite
// (echotest, chattest, fetchtest) run against every style on every backend,
// and cmd/loopkit runs the programs (loopkit run), measures them side by
// side (loopkit compare) and draws them (loopkit trace). To draw them,
// package trace/scenarios runs the programs as they are and reaches their
// loops and hubs through the Hooks of their Config: loop options (a fake
// clock, an observer) and functions called with each loop and hub made.
//
// Where not to add things: a program's logic belongs in its package or in
// an internal package it shares with its styles; this package only starts
// and stops servers.
package examples
