package minico

// This file is the hand-off between the loop and a coroutine, the "magic
// jump" of the talk: resume on the loop's side, park on the coroutine's.
// Each is one send and one receive, in opposite orders:
//
//	loop goroutine                       coroutine's goroutine
//	resume(co):                          park(what):
//	  co.resume <- struct{}{}  ───────▶   <-co.resume   (it runs)
//	  <-h.yield   (waits)                 ... until it would block
//	  (it goes on)             ◀───────   h.yield <- struct{}{}
//
// So exactly one of them runs at any moment, and each channel operation
// orders memory as a lock would: the coroutine may call the loop's
// methods (AddReader, CallLater) while the loop goroutine waits in resume.

// resume hands control to a parked coroutine and waits until it parks
// again or finishes. It runs on the loop goroutine, inside a callback.
func (h *Hub) resume(co *Coroutine) {
	// Mark co running and h.running = co; hand it control on co.resume;
	// wait on h.yield until it hands control back; h.running = nil.
	panic("TODO(step07): resume: co.resume <- struct{}{}, then wait on h.yield until the coroutine parks or finishes")
}

// park hands control back to the loop until something the coroutine
// registered (a timer, an fd's reader, a place in a joiners list) calls
// co.wake, and the loop resumes it. It returns ErrKilled if the coroutine
// is killed, before or while it waits. what names what it waits on, for
// the trace. Only the running coroutine may park, and only itself.
func (co *Coroutine) park(what string) error {
	// Refuse to wait if co.killed. Mark co parked, keep what; hand
	// control to the loop on co.hub.yield; wait on co.resume. Then, if
	// co was killed meanwhile, ErrKilled.
	panic("TODO(step07): park: mark parked, co.hub.yield <- struct{}{}, then wait on co.resume; ErrKilled if killed")
}
