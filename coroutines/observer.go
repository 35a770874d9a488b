package coroutines

// An Observer is told of every hand-off between the loop and a coroutine:
// the tracer (package trace) draws them as the arrows of a sequence
// diagram. It is the coroutine half of loop.Observer, which sees the loop's
// own steps.
//
// Its methods are called on the loop goroutine, in the order the hand-offs
// happen: Resumed right before the loop hands control to co, then Parked or
// Finished right after co handed it back. They must be quick and must not
// call into the hub: the loop waits for them.
type Observer interface {
	// Resumed: co is about to run, for the first time (a start) or again.
	Resumed(co *Coroutine)
	// Parked: co handed control back and waits on what ("Sleep",
	// "Conn.Read", "Join coroutine-2"), the same words a deadlock report
	// uses.
	Parked(co *Coroutine, what string)
	// Finished: co's function returned (or panicked), with err.
	Finished(co *Coroutine, err error)
}

// SetObserver makes the hub tell o of every hand-off from now on; nil stops
// it. Loop goroutine only, while no coroutine runs (before Run, or from a
// loop callback).
//
// A hub without an observer pays one nil check per hand-off. The deadlock
// check's short resumes (see locate) are not hand-offs of the program's and
// are not told.
func (h *Hub) SetObserver(o Observer) { h.observer = o }

// ParkedOn returns what the coroutine waits on while it is parked, in the
// words of Observer.Parked, and "" while it is not parked (not started yet,
// running, or done). For reports and step-by-step tracing.
func (co *Coroutine) ParkedOn() string {
	if co.state != parked {
		return ""
	}
	return co.what
}

// switchObserved is resume's hand-off with the observer told: it runs co
// until co parks or finishes. It is a function of its own so that a hub
// nobody watches runs the plain hand-off, with one nil check.
func (h *Hub) switchObserved(co *Coroutine) {
	h.observer.Resumed(co)
	co.switchIn()
	h.running = nil
	if co.state == done {
		h.observer.Finished(co, co.err)
		return
	}
	h.observer.Parked(co, co.what)
}
