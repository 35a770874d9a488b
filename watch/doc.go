// Package watch shows a real loop in a browser as it runs: each
// iteration's poll (its timeout, the fds it watched and those it found
// ready), the waiters, the timers, the ready queue, the coroutines and what
// each waits on, and the diagram of `loopkit trace` growing row by row.
// Step runs one iteration, Run lets the loop go (at full speed, or a few
// iterations a second), Pause holds it.
//
// The best-loved picture of an event loop, Loupe, animates a simulation.
// This one is the loop of the kit's own programs, on real sockets: a
// student presses Step and sees the poll that returns the fd a telnet
// client just wrote to, the reader it queues, the coroutine it resumes.
//
// # Where the pictures come from
//
// A Watcher is a loop.Observer and a coroutines.Observer: it records as a
// trace.Recorder does, and reads the loop's State and the hub's coroutines
// for the rest (trace.Snapshot). At the start of each iteration, on the
// watched loop's goroutine, it lays out the events of the iteration that
// ended (trace.Live, the layout `loopkit trace` draws) and hands a frame
// to the pages. A program that records on its own, as trace/scenarios
// does, hands the frames itself (Show).
//
// # The loop does not wait for the browser
//
// A frame goes where the pages take it, and the loop goes on: it never
// writes to a socket of the page, never waits on one. Each page has a bell
// that holds one ring; the page's stream, on a goroutine of net/http's,
// wakes, takes the latest frame and the rows it has not sent, and writes
// them. A page slower than the loop finds several frames merged into the
// latest (counted as coalesced) and, if it fell more than historyRows rows
// behind, the oldest rows gone (counted as dropped); the page shows both
// counts. Nothing is queued without a bound.
//
// With no page open (and the loop not paused), nothing is recorded: the
// watched loop pays, per iteration, an atomic load, and per event a call
// of the observer that finds nothing to record (a nil check).
// BenchmarkEchoIdleWatcher measures what that costs an echo server.
//
// The one wait a Watcher adds to the watched loop is the pause, and only
// because the person at the page asked for it: a held loop waits at the
// start of an iteration until Step or Run, or until the watcher closes. It
// stays held when the page closes, so that a reloaded page finds the loop
// where it was.
//
// # Where the page is served
//
// Not on the loop it watches: a held loop could not serve the click that
// releases it. The page is served by net/http on a second kit loop,
// through coroutines' net.Listener (Listener.NetListener), so the watcher
// waits in a poll call too. The page itself is plain HTML, CSS and
// JavaScript in page/, built into the binary with go:embed: no network,
// no framework. It is drawn for a projector: large type, black on white,
// and nothing that needs a mouse hovering to be read.
//
// Updates reach the page as Server-Sent Events, a text stream any browser
// reads with EventSource; the buttons are plain POSTs.
//
// # Where not to add things
//
// The watcher shows; it decides nothing about the loop but whether to
// hold it. What is recorded belongs to package trace, how it is laid out
// too (trace.Live), and the programs to package examples and
// trace/scenarios. `loopkit watch` runs them under a watcher.
package watch
