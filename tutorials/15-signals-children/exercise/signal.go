// Package children starts child processes on a loop and reaps them when
// SIGCHLD says they exited, as tutorial step 15 builds it: OnSignal turns
// a Unix signal into a loop callback (the self-pipe trick, under Go), and
// Reaper.reap is that callback for SIGCHLD. The kit's packages signals and
// process are the full versions, with a pidfd on Linux besides.
package children

import (
	"os"

	"github.com/loopkit/loopkit/loop"
)

// OnSignal makes l call fn, on the loop goroutine, each time the process
// receives sig, until stop is called. Call OnSignal, and stop once, on the
// loop goroutine. stop returns once fn can no longer be queued, and the
// goroutine OnSignal started has ended.
//
// A Go program cannot install a signal handler: the runtime owns them all.
// os/signal.Notify hands each signal to a channel, and a loop cannot poll
// a channel, so a goroutine receives from it and hands fn to the loop with
// CallSoonThreadSafe, which writes to the loop's wake-up fd: that fd is
// the pipe of the self-pipe trick.
func OnSignal(l *loop.Loop, sig os.Signal, fn func()) (stop func()) {
	// TODO(step15): OnSignal: os/signal.Notify hands sig to a channel;
	// start a goroutine that receives from it and hands fn to the loop,
	// the one way another goroutine may (which one?). stop must undo
	// Notify, end that goroutine, and wait until it has ended.
	panic("TODO(step15): OnSignal: hand each signal to the loop as a callback")
}
