package loop

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/loopkit/loopkit/timers"
)

// CallSoon queues fn on the ready queue: it runs in the next run phase, after
// the callbacks queued before it (FIFO). A callback queued while the ready
// queue runs waits for the next iteration, so a callback that keeps queueing
// itself cannot starve I/O.
//
// Called from another goroutine while the loop waits in poll, CallSoon
// reports a WrongGoroutineError and passes fn to CallSoonThreadSafe, so the
// mistake is seen and fn still runs.
func (l *Loop) CallSoon(fn func()) {
	if l.checkGoroutine("CallSoon") != nil {
		l.CallSoonThreadSafe(fn)
		return
	}
	if l.closed {
		l.onError(fmt.Errorf("loop: CallSoon: %w", ErrClosed))
		return
	}
	if fn == nil {
		l.onError(errors.New("loop: CallSoon: nil callback"))
		return
	}
	l.ready = append(l.ready, task{fn: fn, fd: -1})
}

// CallLater schedules fn to run once d has passed on the loop's clock, and
// returns its timer; Cancel on it stops fn from running. d <= 0 runs fn in
// the next iteration, after the I/O callbacks of that iteration. Timers with
// the same deadline run in the order they were scheduled. O(log n).
func (l *Loop) CallLater(d time.Duration, fn func()) *timers.Timer {
	return l.schedule("CallLater", l.clock.Now().Add(d), fn)
}

// CallAt schedules fn to run at t on the loop's clock, as CallLater.
func (l *Loop) CallAt(t time.Time, fn func()) *timers.Timer {
	return l.schedule("CallAt", t, fn)
}

// schedule is CallLater and CallAt. On misuse it reports the error and
// returns nil: there is no timer to give back.
func (l *Loop) schedule(method string, when time.Time, fn func()) *timers.Timer {
	if l.checkGoroutine(method) != nil {
		return nil
	}
	if l.closed {
		l.onError(fmt.Errorf("loop: %s: %w", method, ErrClosed))
		return nil
	}
	if fn == nil {
		l.onError(fmt.Errorf("loop: %s: nil callback", method))
		return nil
	}
	return l.timers.Schedule(when, fn)
}

// CallSoonThreadSafe queues fn from any goroutine and wakes the loop if it
// waits in poll. It is the only way for another goroutine to hand work to
// the loop. It returns ErrClosed once the loop is closed: fn will not run.
//
// The loop wakes through an fd of its own (an eventfd on Linux, a pipe
// elsewhere) that is always registered for reading: writing to it makes the
// poll call return. A burst of calls costs one write, not one each.
func (l *Loop) CallSoonThreadSafe(fn func()) error {
	if fn == nil {
		return errors.New("loop: CallSoonThreadSafe: nil callback")
	}
	l.mu.Lock()
	if l.remoteClosed {
		l.mu.Unlock()
		return fmt.Errorf("loop: CallSoonThreadSafe: %w", ErrClosed)
	}
	l.remote = append(l.remote, fn)
	l.mu.Unlock()
	l.wakeUp()
	return nil
}

// wakeUp makes a loop waiting in poll return. The flag makes a burst of
// wake-ups one write: it is set here and cleared by the loop before it takes
// the remote queue, so a call that comes after the take always writes again.
func (l *Loop) wakeUp() {
	if !l.wake.pending.CompareAndSwap(false, true) {
		return
	}
	// Under mu, so that no wake-up is written after Close closed the fd
	// (whose number may already belong to another file).
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.remoteClosed {
		return
	}
	if err := l.wake.signal(); err != nil {
		l.onError(err)
	}
}

// takeRemote moves the callbacks queued by other goroutines to the ready
// queue, in the order they were queued.
func (l *Loop) takeRemote() {
	l.wake.drain()
	l.wake.pending.Store(false)
	// Swap the queue for the emptied one of the last take, so that a steady
	// stream of calls from other goroutines does not allocate.
	l.mu.Lock()
	remote := l.remote
	l.remote = l.spareRemote
	l.mu.Unlock()
	for i, fn := range remote {
		l.ready = append(l.ready, task{fn: fn, fd: -1})
		remote[i] = nil
	}
	l.spareRemote = remote[:0]
}

// Hold keeps Run running while nothing else would, until release is called,
// as a referenced handle keeps a libuv loop alive. Any goroutine may call
// Hold and release; release is idempotent. Use it when other goroutines will
// hand the loop work with CallSoonThreadSafe.
func (l *Loop) Hold() (release func()) {
	l.holds.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			l.holds.Add(-1)
			l.wakeUp()
		})
	}
}

// AddExitCheck registers check, which Run calls when nothing is left to wait
// for (no waiters, no timers, no ready callbacks, no holds). An error from a
// check becomes Run's result: the coroutines package uses this to report the
// coroutines that are still parked, which would otherwise never wake. A
// check may instead queue callbacks (with CallSoon): then Run goes on.
func (l *Loop) AddExitCheck(check func() error) {
	l.exitChecks = append(l.exitChecks, check)
}

// Stop makes Run return after the current iteration. Called before Run, it
// makes the next Run do one iteration. Other goroutines stop the loop with
// CallSoonThreadSafe(l.Stop).
func (l *Loop) Stop() {
	if l.checkGoroutine("Stop") != nil {
		l.CallSoonThreadSafe(l.Stop)
		return
	}
	l.stopping = true
}
