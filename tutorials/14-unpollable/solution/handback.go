package minipool

import "fmt"

// handBack runs on a worker once w has run: w.result, w.err and w.panicked
// are set. It gets w to the loop goroutine, where finish runs.
func (p *Pool) handBack(w *work) {
	// CallSoonThreadSafe is the one loop method another goroutine may
	// call: it queues under a lock and writes to the loop's wake-up fd, so
	// that a loop asleep in poll wakes up. It fails only once the loop is
	// closed: then nobody is left to hear, and the result is dropped.
	p.loop.CallSoonThreadSafe(func() { p.finish(w) })
}

// finish runs on the loop goroutine: it calls done with w's result. A panic
// of the work goes to the loop's error handler, with its stack, and done
// gets an error wrapping ErrPanicked. Either way the pool lets the loop go.
func (p *Pool) finish(w *work) {
	defer w.release() // even if done panics: the loop reports that, and must not stay held
	if w.panicked != nil {
		p.loop.ReportError(w.panicked)
		w.done(nil, fmt.Errorf("%w: %v", ErrPanicked, w.panicked.Value))
		return
	}
	w.done(w.result, w.err)
}
