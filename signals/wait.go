package signals

import (
	"context"
	"syscall"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

// Wait parks the coroutine of ctx until the process receives sig, the
// coroutine style of a handler: gevent's signal_handler, or
// `await event.wait()` on an Event a handler sets. l is the loop of the
// coroutine's hub. A signal that arrives before Wait begins is not seen.
//
// While it waits, the loop's Run goes on (Hold): a coroutine that waits
// for a signal is waiting for something, not deadlocked. If ctx is done
// or the coroutine killed first, Wait returns the cause. sig is checked as
// Handle checks it.
func Wait(ctx context.Context, l *loop.Loop, sig syscall.Signal) error {
	var got coroutines.Event
	h, err := Handle(l, sig, got.Set)
	if err != nil {
		return err
	}
	defer h.Stop()
	h.Hold()
	return got.Wait(ctx)
}
