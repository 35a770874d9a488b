package miniloop

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/loop"
)

// RunOnce runs one iteration of the loop. It does, in this order, one call
// each:
//
//  1. choose how long Wait may block (pollTimeout);
//  2. wait in the poller: the only place the loop ever sleeps;
//  3. queue the reader, then the writer, of each ready fd (queueReadyFDs);
//  4. queue the timers that are due, earliest first (queueDueTimers);
//  5. run the ready queue as it stood when this step began (runReady).
func (l *Loop) RunOnce() error {
	if l.closed {
		return fmt.Errorf("miniloop: RunOnce: %w", loop.ErrClosed)
	}
	l.iteration++
	timeout := l.pollTimeout()
	n, err := l.poller.Wait(timeout, l.events)
	if errors.Is(err, unix.EINTR) {
		n, err = 0, nil // a signal: just go round again
	}
	if err != nil {
		return fmt.Errorf("miniloop: Wait: %w", err)
	}
	l.queueReadyFDs(l.events[:n])
	l.queueDueTimers()
	l.traceIteration(timeout, l.events[:n])
	l.runReady()
	return nil
}

// pollTimeout returns how long Wait may block: 0 if a callback is ready or
// the loop is stopping (they must run now, not after a sleep), or if
// nothing at all is left (blocking would be for ever); the time until the
// earliest timer's deadline, 0 if it has passed; -1, block until an fd is
// ready, if no timer is pending.
func (l *Loop) pollTimeout() time.Duration {
	if len(l.ready) > 0 || l.stopping || !l.alive() {
		return 0
	}
	next := l.timers.Peek()
	if next == nil {
		return -1
	}
	return max(next.When().Sub(l.clock.Now()), 0)
}

// queueReadyFDs queues the reader and then the writer of each ready fd,
// with the generation of each waiter, so that runReady can tell a waiter
// still current from one removed or replaced since the poll. An fd with no
// waiter for what it is ready for queues nothing.
func (l *Loop) queueReadyFDs(events []loop.Event) {
	for _, ev := range events {
		if ev.FD == l.wakeR {
			l.takeRemote() // the loop's own pipe: callbacks from other goroutines
			continue
		}
		if ev.Events&loop.Readable != 0 {
			if w, ok := l.waiters.Reader(ev.FD); ok {
				l.ready = append(l.ready, task{kind: loop.Reader, fd: ev.FD, gen: w.Gen})
			}
		}
		if ev.Events&loop.Writable != 0 {
			if w, ok := l.waiters.Writer(ev.FD); ok {
				l.ready = append(l.ready, task{kind: loop.Writer, fd: ev.FD, gen: w.Gen})
			}
		}
	}
}

// queueDueTimers moves every timer whose deadline has passed to the ready
// queue. PopDue hands them out earliest first, and equal deadlines in the
// order they were scheduled: the heap keeps that promise.
func (l *Loop) queueDueTimers() {
	now := l.clock.Now()
	for t := l.timers.PopDue(now); t != nil; t = l.timers.PopDue(now) {
		l.ready = append(l.ready, task{kind: loop.Timer, timer: t})
	}
}

// runReady runs the callbacks on the ready queue, in order, skipping the
// tasks no longer current.
func (l *Loop) runReady() {
	for len(l.ready) > 0 {
		// The mistake: callbacks queued meanwhile join this same loop.
		t := l.ready[0]
		l.ready = l.ready[1:]
		if fn := l.current(t); fn != nil {
			l.call(fn)
		}
	}
}

// takeReady returns the ready queue as it stands, and leaves an empty one
// in its place. Callbacks queued while the batch runs go on the new queue
// and wait for the next iteration, after a poll: a callback that keeps
// queueing itself cannot starve I/O.
func (l *Loop) takeReady() []task {
	batch := l.ready
	l.ready = nil // the kit's loop reuses two slices instead; see loop/ready.go
	return batch
}

// current returns the function a task should call now, or nil if the task
// is stale: a reader or writer whose fd has no waiter of the generation
// queued (removed, or replaced, perhaps by the waiter of a new fd that
// reused the number), a timer whose Fire returns nil (cancelled since it
// was found due).
func (l *Loop) current(t task) func() {
	switch t.kind {
	case loop.Reader:
		if w, ok := l.waiters.Reader(t.fd); ok && w.Gen == t.gen {
			return w.Func
		}
		return nil
	case loop.Writer:
		if w, ok := l.waiters.Writer(t.fd); ok && w.Gen == t.gen {
			return w.Func
		}
		return nil
	case loop.Timer:
		return t.timer.Fire()
	}
	return t.fn
}

// traceIteration prints one line about the iteration, if SetTrace asked:
// the timeout chosen, what Wait found, the ready queue about to run, and
// what is left waiting.
//
//	#8 Wait(100ms) -> nothing | run: timer (due 0s ago) | waiting: 2 waiters, no timer
func (l *Loop) traceIteration(timeout time.Duration, events []loop.Event) {
	if l.trace == nil {
		return
	}
	now := l.clock.Now()
	var ready, queue []string
	for _, ev := range events {
		ready = append(ready, fmt.Sprintf("%d:%v", ev.FD, ev.Events))
	}
	for _, t := range l.ready {
		queue = append(queue, t.describe(now))
	}
	wait := "-1: block"
	if timeout >= 0 {
		wait = timeout.Round(100 * time.Microsecond).String()
	}
	next := "no timer"
	if t := l.timers.Peek(); t != nil {
		next = fmt.Sprintf("%d timers, next in %v", l.timers.Len(), t.When().Sub(now).Round(time.Millisecond))
	}
	fmt.Fprintf(l.trace, "#%d Wait(%s) -> %s | run: %s | waiting: %d waiters, %s\n", l.iteration, wait,
		orNone(ready), orNone(queue), l.waiters.Len(), next)
}

// describe names a task for the trace: "soon", "reader 5 (gen 3)",
// "timer (due 2ms ago)".
func (t task) describe(now time.Time) string {
	switch t.kind {
	case loop.Reader, loop.Writer:
		return fmt.Sprintf("%v %d (gen %d)", t.kind, t.fd, t.gen)
	case loop.Timer:
		return fmt.Sprintf("timer (due %v ago)", now.Sub(t.timer.When()).Round(time.Millisecond))
	}
	return "soon"
}

func orNone(parts []string) string {
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}
