// Package signals delivers Unix signals to a loop: a handler is a loop
// callback, run on the loop goroutine like any other, after the poll call
// that noticed the signal. It teaches the self-pipe trick, and why, under
// Go, the honest self-pipe starts at a channel.
//
// # The problem
//
// A signal interrupts whatever a thread was doing and runs a handler there
// and then, in the middle of any function, even in the middle of malloc.
// Almost nothing is safe in a signal handler (signal-safety(7) lists the
// few system calls that are), and certainly not the loop's data. Yet a
// server wants to hear "Ctrl-C" (SIGINT), "please stop" (SIGTERM), "reload"
// (SIGHUP) and "a child exited" (SIGCHLD) as events among its others.
//
// # The self-pipe trick
//
// The classic answer (D. J. Bernstein's, and libuv's uv_signal_t, asyncio's
// add_signal_handler, gevent's signal_handler): the signal handler does
// the one safe thing, write a byte to a pipe whose other end the loop
// polls. The signal becomes readiness, and readiness the loop knows how to
// wait for; the handler the user wrote runs later as an ordinary callback.
// libuv writes the signal number and the handle into one pipe per loop
// (uv__signal_event reads them back); asyncio sets the pipe with
// signal.set_wakeup_fd and reads signal numbers in _process_self_data.
//
// A Go program cannot install a signal handler: the runtime owns every
// handler of the process (it needs SIGURG to preempt, SIGSEGV to turn nil
// dereferences into panics, SIGPROF to profile). What it offers instead is
// os/signal.Notify: the runtime's handler records the signal, and a
// goroutine of os/signal sends it on a channel. The first half of the
// self-pipe trick is therefore done for us, and the pipe is a channel. The
// second half, making the loop's poll call notice, is this package:
// Handle starts one goroutine that receives from the channel and hands the
// handler to the loop with CallSoonThreadSafe, which writes to the loop's
// wake-up fd (a pipe on macOS and the BSDs, an eventfd on Linux). That fd
// is the loop's self-pipe: it is always registered, so a handler needs no
// fd of its own.
//
// That goroutine is the exception to "one place waits": it blocks on a
// channel, not in the loop's poll. It must, because the channel is the
// only door the runtime leaves open, and a loop cannot poll a channel.
// It waits for nothing else, runs no user code, and ends when the handler
// is stopped (or when the loop is closed).
//
// # What a handler promises
//
//   - It runs on the loop goroutine, as a loop callback: it may touch the
//     loop and everything the loop's callbacks own; a panic in it is
//     reported to the loop's error handler, and the loop goes on.
//   - Signals coalesce: two SIGCHLDs that arrive close together may run
//     the handler once. The kernel already does that (a standard signal is
//     pending or not), and so does Notify, whose channel holds one. A
//     SIGCHLD handler must therefore reap every child that has exited, not
//     one (package process does).
//   - Stop removes it cleanly: once Stop returns, the handler never runs
//     again, even if a signal was already on its way to the loop, and the
//     process's disposition of the signal is what it was (for SIGINT: the
//     program exits).
//   - A handler does not keep the loop's Run going: a server stops when
//     its listener closes, handler or not. Hold asks for the other
//     behaviour, as a referenced libuv handle (uv_ref) does.
//   - SIGKILL and SIGSTOP cannot be handled (the kernel acts on them
//     without asking the process), and a number that is not a signal of
//     this OS is refused: each with an error that says so.
//
// In coroutines, Wait parks the coroutine until the signal comes.
//
// # The second way: signalfd (Linux)
//
// Linux can turn a signal into readiness without any handler: block the
// signal, and read it from a signalfd, which is readable while the signal
// is pending. libev and systemd use it. The catch is the word "block":
// a process-directed signal (kill, Ctrl-C) goes to any thread that does
// not block it, so every thread must block it, and a Go program cannot
// promise that. The runtime starts threads when it likes, each with the
// signal mask the process started with, and unblocks SIGINT, SIGTERM,
// SIGHUP and SIGCHLD on every thread whatever the program does (blockableSig
// in runtime/signal_unix.go). signalfd_linux.go shows the second way where
// it is correct: for a signal sent to the loop's own thread (tgkill),
// which must be locked to its goroutine and block the signal. Read its doc
// for the limits; for a real server use Handle.
//
// # What to read next
//
// Package process, which reaps children through SIGCHLD with this
// package where it has no pidfd. cmd/loopkit's run command (stop.go)
// hears Ctrl-C and SIGTERM as handlers on a loop of its own, then closes
// its server. docs/signals-and-children.md tells the whole story.
//
// # Where not to add things
//
// The loop knows fds, timers and callbacks, and should not learn signals:
// this package needs only CallSoonThreadSafe and Hold. A handler per
// signal, per loop: whoever wants one callback for SIGINT and SIGTERM
// calls Handle twice.
package signals
