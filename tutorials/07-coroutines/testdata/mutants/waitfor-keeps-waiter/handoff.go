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
	co.state = running
	h.running = co
	co.resume <- struct{}{}
	<-h.yield
	h.running = nil
}

// park hands control back to the loop until something the coroutine
// registered (a timer, an fd's reader, a place in a joiners list) calls
// co.wake, and the loop resumes it. It returns ErrKilled if the coroutine
// is killed, before or while it waits. what names what it waits on, for
// the trace. Only the running coroutine may park, and only itself.
func (co *Coroutine) park(what string) error {
	if co.killed {
		return ErrKilled
	}
	co.state, co.what = parked, what
	co.hub.yield <- struct{}{}
	<-co.resume
	co.what = ""
	if co.killed {
		return ErrKilled
	}
	return nil
}
