package loop

import (
	"runtime/debug"

	"github.com/loopkit/loopkit/timers"
)

// A task is one entry of the ready queue: a callback queued by CallSoon, the
// waiter of a ready fd, or a due timer. Waiters are queued by fd and
// generation, not by function, so that the run phase can tell a waiter that
// is still current from one removed or replaced since the poll.
type task struct {
	kind  Kind
	fn    func()        // Soon
	fd    int           // Reader, Writer: the ready fd; else -1
	gen   uint64        // Reader, Writer: the waiter's generation when queued
	timer *timers.Timer // Timer
}

// runReady runs the callbacks that are on the ready queue now. Callbacks they
// queue go on a fresh queue and run in the next iteration, after a poll. The
// two slices are swapped each time, so a steady loop does not allocate.
func (l *Loop) runReady() {
	// spare is nil while the batch runs: should a panic escape (from an
	// error handler or an observer), the two queues never share an array.
	batch := l.ready
	l.ready, l.spare = l.spare[:0], nil
	for i := range batch {
		l.runTask(&batch[i])
		batch[i] = task{} // let the garbage collector have what it held
	}
	l.spare = batch[:0]
}

// runTask runs one task if it is still current: a waiter that was removed or
// replaced, or a timer cancelled, since it was queued is skipped.
func (l *Loop) runTask(t *task) {
	fn := l.current(t)
	if fn == nil {
		return
	}
	if l.observer == nil {
		l.call(fn)
		return
	}
	l.callObserved(Callback{Kind: t.kind, FD: t.fd, Timer: t.timer, Func: fn})
}

// callObserved is call with the observer told.
func (l *Loop) callObserved(cb Callback) {
	l.observer.CallbackStarted(cb)
	l.call(cb.Func)
	l.observer.CallbackReturned(cb)
}

// current returns the function a task should call now, or nil if it is stale.
func (l *Loop) current(t *task) func() {
	switch t.kind {
	case Reader:
		if w, ok := l.waiters.Reader(t.fd); ok && w.Gen == t.gen {
			return w.Func
		}
		return nil
	case Writer:
		if w, ok := l.waiters.Writer(t.fd); ok && w.Gen == t.gen {
			return w.Func
		}
		return nil
	case Timer:
		return t.timer.Fire()
	}
	return t.fn
}

// call is the only place the loop calls user code. A panic is recovered and
// reported with its stack to the error handler, and the loop goes on.
func (l *Loop) call(fn func()) {
	defer func() {
		if v := recover(); v != nil {
			l.onError(&PanicError{Value: v, Stack: debug.Stack()})
		}
	}()
	fn()
}
