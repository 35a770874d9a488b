package coroutines

import "context"

// An Event is a flag coroutines can wait for: Wait parks until Set. gevent's
// Event. The zero Event is clear and ready to use. Its methods belong to
// the loop goroutine and the coroutines: Set and Clear may be called from
// loop callbacks too.
type Event struct {
	set     bool
	waiters waitQueue[struct{}]
}

// Set sets the flag and wakes every coroutine in Wait, in the order they
// began to wait. Waits that begin later return at once, until Clear.
func (e *Event) Set() {
	e.set = true
	for w := e.waiters.first(); w != nil; w = e.waiters.first() {
		e.waiters.serve(w)
	}
}

// Clear clears the flag. Coroutines already woken by Set still return nil.
func (e *Event) Clear() { e.set = false }

// IsSet reports whether the flag is set.
func (e *Event) IsSet() bool { return e.set }

// Wait parks the coroutine of ctx until the flag is set, and returns nil;
// at once if it is set already. If ctx is done or the coroutine killed
// first, it returns the cause.
func (e *Event) Wait(ctx context.Context) error {
	co, err := current(ctx)
	if err != nil {
		return err
	}
	if err := co.cancelled(ctx); err != nil {
		return err
	}
	if e.set {
		return nil
	}
	w := e.waiters.push(co)
	for !w.served {
		if err := co.park(ctx, "Event.Wait", func() { e.waiters.remove(w) }); err != nil {
			return err
		}
	}
	return nil
}
