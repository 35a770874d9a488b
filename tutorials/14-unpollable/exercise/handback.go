package minipool

// handBack runs on a worker once w has run: w.result, w.err and w.panicked
// are set. It gets w to the loop goroutine, where finish runs.
func (p *Pool) handBack(w *work) {
	// This is a worker goroutine, not the loop's: done must not run here,
	// and of the loop's methods only one may be called from here.
	panic("TODO(step14): handBack: have the loop run p.finish(w), from this worker goroutine")
}

// finish runs on the loop goroutine: it calls done with w's result. A panic
// of the work goes to the loop's error handler, with its stack, and done
// gets an error wrapping ErrPanicked. Either way the pool lets the loop go.
//
//lint:ignore U1000 handBack, your part, has the loop call it
func (p *Pool) finish(w *work) {
	// w.done(result, err) is the caller's callback. p.loop.ReportError
	// hands an error to the loop's error handler. w.release ends the
	// loop.Hold that Submit took.
	panic("TODO(step14): finish: call w.done with the result, or report w.panicked and pass done an error; then w.release()")
}
