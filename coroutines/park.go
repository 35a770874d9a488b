package coroutines

import (
	"bytes"
	"context"
	"iter"
	"runtime"
)

// This file is the hand-off between the loop and a coroutine: start and
// resume on the loop's side, park on the coroutine's, and wake, which the
// waiters a coroutine registered call to have it resumed. Every other file
// of the package is built on these few functions.
//
// The switch itself is iter.Pull's: next runs the coroutine's goroutine
// until it calls yield, and yield hands control back to the goroutine that
// called next. It is the hand-off of tutorial step 07, done by the runtime
// (runtime.coroswitch): the goroutine that hands control over gives its
// thread to the other one directly, without a trip through the scheduler's
// run queue, so a park and resume costs less than a round trip over two
// channels (0.7x, BenchmarkHandOff), where over channels it cost 1.8x.

// start runs a created coroutine until it first parks or finishes. Its
// goroutine is made here, on the loop goroutine, not by Spawn: iter.Pull
// ties a coroutine to the thread of the goroutine that made it, if that
// goroutine is locked to one (examples.Loops locks each loop's).
func (h *Hub) start(co *Coroutine) {
	co.next, co.stop = iter.Pull(co.body)
	h.goroutines.Add(1)
	h.resume(co)
}

// locate asks a parked coroutine where it parked: the coroutine, resumed
// with locate set, records its call site (runtime.Callers on its own
// stack, which is still the stack of the call that parked) and hands
// control back at once, still parked. Only the deadlock check calls it, so
// no park pays for runtime.Callers, which costs more than the park itself.
func (h *Hub) locate(co *Coroutine) string {
	co.locate = true
	h.running = co
	co.switchIn()
	h.running = nil
	co.locate = false
	return co.site
}

// resumeIfQueued is the loop callback that wake and interrupt queue: it
// resumes the coroutine, unless it was already resumed another way (Close).
func (co *Coroutine) resumeIfQueued() {
	if co.state != parked || !co.wakeQueued {
		return
	}
	co.hub.resume(co)
}

// resume hands control to a parked (or created) coroutine and returns once
// it parks again or finishes.
func (h *Hub) resume(co *Coroutine) {
	co.state = running
	co.wakeQueued = false
	h.running = co
	if h.observer != nil {
		h.switchObserved(co)
		return
	}
	co.switchIn()
	h.running = nil
}

// switchIn, on the loop goroutine, runs the coroutine until it hands
// control back: one call of iter.Pull's next. A coroutine that has handed
// control back in the middle of a runtime.Goexit (see outliveGoexit) is
// let finish it on a goroutine made for the purpose.
func (co *Coroutine) switchIn() {
	co.next()
	if co.exiting {
		co.exiting = false
		go co.stop()
	}
}

// park hands control back to the loop until wake is called by a waiter the
// caller registered before parking (an fd's reader, a timer, a place in a
// queue's wait list). It returns nil on such a wake.
//
// If ctx is done before or while the coroutine is parked, or the coroutine
// is killed, park calls undo (which removes the caller's waiters; it may be
// nil) and returns the cause: ErrKilled, a *TimeoutError, or whatever
// context.Cause says. A wake that came first wins: a coroutine woken, then
// killed before it ran, returns nil, and its next blocking call fails.
//
// what names what the coroutine waits on, for the deadlock report
// ("Queue.Get", "Conn.Read fd 7"). Where it was called from is found only
// if a report is made (see locate): park itself records nothing, so a park
// costs the same on the I/O path as in a queue.
//
// Only the running coroutine may park, and only itself.
func (co *Coroutine) park(ctx context.Context, what string, undo func()) error {
	return co.suspend(ctx, what, undo, false)
}

// yieldNow parks the coroutine with its resume already queued: it goes to
// the back of the ready queue, behind every callback and coroutine ready
// now. Sleep(ctx, 0) is this.
func (co *Coroutine) yieldNow(ctx context.Context) error {
	return co.suspend(ctx, "Sleep", nil, true)
}

// suspend is park's body. It does, in this order:
//   - fail at once if ctx is done or the coroutine killed;
//   - record the park, and for a context the kit does not cancel itself,
//     ask the context to wake the coroutine when it is cancelled;
//   - hand control to the loop and wait to be resumed;
//   - asked by the deadlock check where it is, answer and wait on;
//   - on a wake, return nil; on a cancellation, undo and return the cause;
//     on anything else (a timeout of a context the coroutine is not
//     waiting with), park again.
func (co *Coroutine) suspend(ctx context.Context, what string, undo func(), soon bool) error {
	h := co.hub
	if h.running != co {
		panic("coroutines: park of a coroutine that is not the running one")
	}
	if err := co.cancelled(ctx); err != nil {
		if undo != nil {
			undo()
		}
		return err
	}
	co.seq++
	co.state, co.what, co.parkCtx = parked, what, ctx
	co.wakeQueued, co.woken = false, false
	stop := co.watch(ctx)
	if soon {
		co.wake()
	}
	for {
		co.switchOut()
		if co.locate {
			co.site = callSite()
			continue
		}
		if co.woken {
			break
		}
		if err := co.cancelled(ctx); err != nil {
			co.unpark(stop)
			if undo != nil {
				undo()
			}
			return err
		}
		co.state = parked // spurious: wait on
	}
	co.unpark(stop)
	return nil
}

// switchOut, on the coroutine's goroutine, hands control back to the loop
// goroutine (iter.Pull's yield) and returns when the loop resumes it.
func (co *Coroutine) switchOut() {
	co.handBack()
	co.yield(struct{}{})
	co.tookControl()
}

// tookControl, called on the coroutine's goroutine each time it takes
// control, tells the loop that the code running now is the coroutine's:
// should it block, the loop's watchdog blames the coroutine and its own
// stack, not the loop callback that resumed it and waits in switchIn.
func (co *Coroutine) tookControl() { co.hub.loop.RunningOn(&co.goroutine, co.name) }

// handBack tells the loop that the code running from now on is its own.
func (co *Coroutine) handBack() { co.hub.loop.RunningOn(nil, "") }

// outliveGoexit hands control back to the loop for the last time from a
// coroutine whose function called runtime.Goexit, in the middle of the
// Goexit. Were the goroutine let unwind, iter.Pull would carry the Goexit
// over to the goroutine that resumed it (its next calls runtime.Goexit),
// and end the loop's. Handed back here, the loop goes on as if the
// coroutine had returned, and switchIn lets a goroutine of its own call
// stop, which finishes the Goexit and absorbs it.
//
// That goroutine is not locked to a thread, and iter.Pull refuses (fatally)
// to switch from it to a coroutine made on a locked one. So on a loop whose
// goroutine is locked (examples.Loops), the coroutine's goroutine is left
// parked for good: one goroutine lost per Goexit, which only a test's
// t.FailNow in a coroutine ever calls.
func (co *Coroutine) outliveGoexit() {
	if !lockedToThread() {
		co.exiting = true
	}
	co.yield(struct{}{})
}

// lockedToThread reports whether the calling goroutine is locked to its
// thread: the runtime says so only in the first line of a stack dump
// ("goroutine 7 [running, locked to thread]:").
func lockedToThread() bool {
	var buf [64]byte
	first := buf[:runtime.Stack(buf[:], false)]
	return bytes.Contains(first, []byte("locked to thread"))
}

// cancelled returns why the coroutine must not wait with ctx, or nil.
func (co *Coroutine) cancelled(ctx context.Context) error {
	switch {
	case co.killed:
		return ErrKilled
	case ctx.Err() != nil:
		return context.Cause(ctx)
	}
	return nil
}

// unpark forgets the park that ended.
func (co *Coroutine) unpark(stop func() bool) {
	if stop != nil {
		stop()
	}
	co.parkCtx, co.what, co.site = nil, "", ""
}

// wake queues the resume of the parked coroutine on the loop's ready queue.
// It is idempotent per park: the first call queues the resume, later calls
// (and calls while the coroutine is not parked) do nothing. Call it on the
// loop goroutine or from the running coroutine.
//
// Once the hub is closed, nothing is queued on the loop (which may be
// closed too): Close resumes every parked coroutine itself.
func (co *Coroutine) wake() {
	if co.state != parked || co.wakeQueued {
		return
	}
	co.wakeQueued, co.woken = true, true
	if !co.hub.closed {
		co.hub.loop.CallSoon(co.resumeFunc)
	}
}

// resumeNow resumes a parked coroutine at once: the I/O path, called by an
// fd's loop waiter (fdWaiter.onReady). It is wake without the trip through
// the ready queue, which would cost one more poll per wake-up, and it keeps
// the order of the loop's callbacks: the coroutine runs in the waiter's
// turn. From a running coroutine, or on a closed hub, it is wake.
func (co *Coroutine) resumeNow() {
	h := co.hub
	if h.running != nil || h.closed {
		co.wake()
		return
	}
	if co.state != parked || co.wakeQueued {
		return
	}
	co.woken = true
	h.resume(co)
}

// wakeable reports whether wake would wake the coroutine now. A wait list
// skips waiters that are not: their coroutine has a cancellation on its way
// and will take itself off the list.
func (co *Coroutine) wakeable() bool {
	return co.state == parked && !co.wakeQueued
}

// interrupt queues the resume of a parked coroutine whose context is done
// or which was killed, so that park returns the cause. The kit calls it
// right after it cancels a context of its own (Kill, a WithTimeout timer),
// on the loop goroutine: the wake-up takes its place in the ready queue,
// and runs are the same each time.
func (co *Coroutine) interrupt() {
	if co.state != parked || co.wakeQueued {
		return
	}
	if !co.killed && co.parkCtx.Err() == nil {
		return // the context that was cancelled is not the one it waits with
	}
	co.wakeQueued = true
	if !co.hub.closed {
		co.hub.loop.CallSoon(co.resumeFunc)
	}
}

// watch arranges for a cancellation of ctx to interrupt the park, when ctx
// is not one the kit cancels itself: a context.WithCancel or WithDeadline
// of the user's, derived from the coroutine's context. Then
// context.AfterFunc calls back on a goroutine of its own, which hands the
// interrupt to the loop with CallSoonThreadSafe: correct, but later and
// less predictably than the kit's own cancellations, which interrupt from
// the loop goroutine. It returns the function that stops the watch, or nil.
//
// The common contexts cost nothing here: the coroutine's own, those of
// WithTimeout, and context.WithValue of either, whose Done is theirs.
func (co *Coroutine) watch(ctx context.Context) (stop func() bool) {
	done := ctx.Done()
	if done == nil || co.controls(done) {
		return nil
	}
	h, seq := co.hub, co.seq
	return context.AfterFunc(ctx, func() {
		h.loop.CallSoonThreadSafe(func() {
			if co.seq == seq {
				co.interrupt()
			}
		})
	})
}
