package threadpool

import (
	"fmt"
	"runtime/debug"
	"slices"

	"github.com/loopkit/loopkit/loop"
)

// A Work is one function submitted to a Pool, from Submit until its done
// has run.
type Work struct {
	// Set by Submit, then read-only.
	pool *Pool
	fn   func()      // runs on a worker
	done func(error) // runs on the loop

	// Written by the worker before the hand-off to the loop, read by the
	// loop after it: CallSoonThreadSafe's lock orders the two.
	panicked *loop.PanicError
}

// run calls the work's function on the worker, recovering a panic with its
// stack, as the loop does for a callback.
func (w *Work) run() {
	defer func() {
		if v := recover(); v != nil {
			w.panicked = &loop.PanicError{Value: v, Stack: debug.Stack(), Name: "threadpool work"}
		}
	}()
	w.fn()
}

// finish runs on the loop once the work has returned: it reports a panic
// and calls done. The pool stops holding the loop for w even if done
// panics (the loop reports that panic as any callback's).
func (w *Work) finish() {
	defer w.pool.unhold()
	if w.panicked != nil {
		w.pool.loop.ReportError(w.panicked)
		w.done(fmt.Errorf("%w: %v", ErrPanicked, w.panicked.Value))
		return
	}
	w.done(nil)
}

// Cancel takes w off the queue if no worker has started it, and reports
// whether it did: then w's function never runs, and done runs on the loop,
// soon, with ErrCancelled. Work that has started cannot be stopped (a
// goroutine cannot be interrupted, and neither can a thread in read(2)):
// Cancel returns false, the work runs to its end, and done gets its outcome
// as if Cancel had not been called, as libuv's uv_cancel fails with EBUSY.
// A caller that no longer wants the result ignores it in done. Loop
// goroutine only; O(length of the queue).
func (w *Work) Cancel() bool {
	p := w.pool
	p.mu.Lock()
	i := slices.Index(p.queue, w)
	if i >= 0 {
		p.queue = slices.Delete(p.queue, i, i+1)
	}
	p.mu.Unlock()
	if i < 0 {
		return false
	}
	// done runs as a callback of its own, never inside Cancel: the caller
	// may be in the middle of changing what done reads.
	p.loop.CallSoon(func() {
		defer p.unhold()
		w.done(ErrCancelled)
	})
	return true
}
