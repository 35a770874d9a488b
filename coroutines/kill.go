package coroutines

import "errors"

// ErrKilled is the error of the blocking call during which (or before which)
// a coroutine was killed, the cause of its context, and its Err once it
// finished if its function returned nil.
var ErrKilled = errors.New("coroutines: killed")

// Kill kills the coroutine, gevent's kill without the wait: it cancels the
// coroutine's context with cause ErrKilled and, if the coroutine is parked,
// resumes it so that the call it parked in returns ErrKilled. A coroutine
// killed while it runs (it killed itself) fails its next blocking call. Its
// function should then return, and its deferred calls run as usual; every
// blocking call it makes after Kill fails at once. A coroutine killed
// before it started never runs. Kill does not wait: Join does.
//
// Killing a finished coroutine does nothing. Call Kill on the loop
// goroutine or from a coroutine.
func (co *Coroutine) Kill() {
	switch co.state {
	case done:
		return
	case created:
		if co.startTimer != nil {
			co.startTimer.Cancel()
			co.startTimer = nil
		}
		co.killed = true
		co.cancel(ErrKilled)
		co.finish(ErrKilled)
		return
	}
	co.killed = true
	co.cancel(ErrKilled)
	co.interrupt()
}

// KillAll kills each coroutine, in the order given, and does not wait.
func KillAll(cos ...*Coroutine) {
	for _, co := range cos {
		co.Kill()
	}
}
