// Package loop is an event loop: the one place where a loopkit program waits.
//
// Every asynchronous I/O system is the same machine underneath. Programs ask
// to be told when something happens (an fd becomes readable or writable, a
// deadline passes), and a single loop waits for all of those things at once
// in one system call (select, poll, epoll_wait or kevent), then resumes the
// code that was waiting for what happened. Node, Twisted, asyncio and gevent
// differ only in what that waiting code looks like; the loop under them is
// this one.
//
// # One iteration
//
// A Loop keeps three things: the waiters (for each fd, at most one reader and
// one writer, see package waiters), the timers (a heap ordered by deadline,
// see package timers) and the ready queue (callbacks to run now, in order).
// Each iteration, RunOnce does, in this order:
//
//  1. choose the poll timeout: 0 if a callback is ready, the time until the
//     next timer's deadline if there is one, or block for ever;
//  2. call the Poller's Wait with that timeout: the only place the loop
//     sleeps;
//  3. queue the reader and the writer of every fd Wait found ready;
//  4. queue every timer whose deadline has passed, earliest first;
//  5. run the ready queue, as it stood when this step began.
//
// Run repeats RunOnce until Stop is called or nothing is left to wait for.
// docs/architecture.md draws the picture.
//
// # The rules the loop keeps
//
//   - Callbacks run in the order they were queued (FIFO), and a callback
//     queued while the ready queue runs waits for the next iteration, after a
//     poll: a callback that re-queues itself cannot starve I/O.
//   - Timers run in deadline order; equal deadlines in the order they were
//     scheduled. A cancelled timer never runs, even when an earlier callback
//     of the same iteration cancelled it after it was found due.
//   - A waiter removed (or replaced) by an earlier callback of the same
//     iteration is not called, even if its fd was reported ready and even if
//     the fd number was at once reused by a new fd: each waiter carries a
//     generation, and a stale event names an old one (package waiters tells
//     the story).
//   - Readiness is level-triggered on every backend: a reader that does not
//     drain its fd is called again next iteration.
//   - A panic in a callback is recovered, reported with its stack to the
//     error handler (WithErrorHandler; standard error by default), and the
//     loop goes on with the next callback.
//   - The loop belongs to one goroutine. The only method other goroutines
//     may call is CallSoonThreadSafe (and Hold), which wakes a loop sleeping
//     in poll through an fd of its own. A loop method called from another
//     goroutine while the loop sleeps in poll is reported as a
//     WrongGoroutineError.
//   - After Close every method that can fail returns or reports ErrClosed.
//
// # Pollers
//
// The Poller interface is three methods; its contract is written in
// poller.go, one backend per file: poller_select.go, poller_poll.go,
// poller_epoll.go, poller_uring.go (Linux's io_uring, where it is switched
// on), poller_kqueue.go. Choose one with WithBackend or the environment
// variable LOOPKIT_BACKEND, or give your own with WithPoller.
// Package looptest checks any Poller, and any loop, against the contract.
//
// # Where not to add things
//
// The loop knows fds, timers and callbacks, nothing else. Sockets, buffers
// and protocols belong to the front ends that drive it: package callbacks,
// package protocol (callbacks/protocol) and package coroutines. The loop's
// only hooks for them are ReportError, Hold, AddExitCheck and RunningOn
// (which tells the watchdog whose code runs when a front end hands control
// to a goroutine of its own). Read those packages next.
package loop
