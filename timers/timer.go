package timers

import "time"

// A Timer is one scheduled call: a function and the time it is due.
//
// A Timer is made by Heap.Schedule and lives through these states:
//
//	pending   in the heap, waiting for its deadline
//	popped    taken out by PopDue as due, not yet run
//	fired     Fire handed out its function (the loop then calls it)
//	cancelled Cancel stopped it while pending or popped
//
// fired and cancelled are final, and a timer reaches at most one of them.
//
// Like its Heap, a Timer may be touched only by the goroutine that owns the
// heap (for a loop.Loop, the loop goroutine).
type Timer struct {
	// Set by Schedule, never changed.
	when time.Time
	seq  uint64 // scheduling order: breaks ties between equal deadlines
	fn   func()

	// Kept up to date by the heap.
	heap  *Heap // the heap holding the timer; nil once it left (popped or cancelled)
	index int   // position in heap.timers while pending; -1 after

	// Set once, by Cancel or Fire.
	cancelled bool
	fired     bool
}

// When returns the time the timer is (or was) due.
func (t *Timer) When() time.Time { return t.when }

// Func returns the function the timer calls (or called).
func (t *Timer) Func() func() { return t.fn }

// Pending reports whether the timer is still waiting in its heap: false once
// PopDue took it out as due or Cancel took it out.
func (t *Timer) Pending() bool { return t.heap != nil }

// Cancelled reports whether Cancel stopped the timer before it ran.
func (t *Timer) Cancelled() bool { return t.cancelled }

// Cancel stops the timer from running. It reports whether the call stopped
// it: true for a pending timer or one popped but not yet fired; false if the
// timer already fired or was already cancelled. O(log n) for a pending timer
// (it leaves the heap at once), O(1) otherwise.
//
// Cancelling a popped timer is what keeps the loop's promise that a
// cancelled timer never runs: two timers A and B fall due in the same
// iteration, the loop pops both, runs A, and A cancels B. B is no longer in
// the heap, but Cancel still marks it, and Fire then refuses to hand out
// its function.
//
// A pending timer is removed at once rather than marked and left for the
// heap to drop later (lazy deletion); the package doc says why. Cancel of a
// nil *Timer (what loop.CallLater returns when it refused) returns false.
func (t *Timer) Cancel() bool {
	if t == nil {
		return false // CallLater refused to schedule (the loop was closed)
	}
	switch {
	case t.cancelled, t.fired:
		return false
	case t.heap != nil: // pending
		t.heap.remove(t)
	}
	t.cancelled = true
	return true
}

// Fire marks a popped timer as run and returns its function for the caller
// to call, or returns nil if the timer was cancelled (or already fired): the
// caller must then not run it. The loop calls Fire right before it would run
// the timer, never earlier, so that a Cancel by an earlier callback of the
// same iteration is seen. After Fire, Cancel reports false.
//
// Fire panics if the timer is still pending: only a timer that PopDue
// returned may fire, and firing one that is still in the heap would run it
// now and again when it falls due.
func (t *Timer) Fire() func() {
	if t.heap != nil {
		panic("timers: Fire of a pending timer (only a timer returned by PopDue may fire)")
	}
	if t.cancelled || t.fired {
		return nil
	}
	t.fired = true
	return t.fn
}
