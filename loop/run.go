package loop

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// Run runs iterations until Stop is called, or until nothing is left to wait
// for: no waiters, no timers, no ready callbacks and no holds. Then, if an
// exit check registered with AddExitCheck returns an error, Run returns it.
// An error of the poller also ends Run.
func (l *Loop) Run() error {
	if err := l.enter("Run"); err != nil {
		return err
	}
	defer l.leave()
	for {
		if !l.alive() {
			// An exit check may queue work (a wake-up that was on its
			// way); then the loop goes on.
			if err := l.runExitChecks(); err != nil || !l.alive() {
				return err
			}
		}
		if err := l.iterate(); err != nil {
			return err
		}
		if l.stopping {
			return nil
		}
	}
}

// RunOnce runs one iteration, so that a student, a test or a debugger can
// step the loop. It waits in poll as Run would, except that with nothing left
// to wait for it polls without blocking, rather than wait for ever. On a
// fake clock (timers.Fake) a timer not yet due is something to wait for:
// RunOnce then waits for I/O or for the clock to be advanced.
func (l *Loop) RunOnce() error {
	if err := l.enter("RunOnce"); err != nil {
		return err
	}
	defer l.leave()
	return l.iterate()
}

// iterate is one iteration of the loop: it waits in poll once, then runs the
// callbacks that became ready. It does, in this order:
//   - choose how long poll may block: not at all if a callback is ready or
//     the loop is stopping, until the next timer's deadline, or for ever;
//   - wait in the poller;
//   - queue the waiters of the fds that are ready: readers, then writers;
//   - queue the timers that are due, in deadline order;
//   - run the ready queue as it stood before the run phase began.
func (l *Loop) iterate() error {
	l.iteration++
	if l.observer != nil {
		l.observer.IterationStarted(l.iteration)
	}
	timeout := l.pollTimeout()
	n, err := l.poll(timeout)
	if err != nil {
		return err
	}
	l.queueReadyFDs(l.events[:n])
	l.queueDueTimers()
	l.runReady()
	return nil
}

// pollTimeout returns how long poll may block.
func (l *Loop) pollTimeout() time.Duration {
	if len(l.ready) > 0 || l.stopping || !l.alive() {
		return 0
	}
	next := l.timers.Peek()
	if next == nil {
		return -1
	}
	d := next.When().Sub(l.clock.Now())
	switch {
	case d <= 0:
		return 0
	case l.manual:
		// Time on a fake clock moves only when the test says so, and
		// Advance wakes us: sleeping until the deadline would mean
		// sleeping real time for fake time.
		return -1
	}
	return d
}

// poll calls the poller's Wait. While it waits, inPoll is set: any loop
// method called meanwhile comes from another goroutine (see checkGoroutine).
func (l *Loop) poll(timeout time.Duration) (int, error) {
	if l.observer != nil {
		l.observer.PollStarted(timeout)
	}
	l.inPoll.Store(true)
	n, err := l.poller.Wait(timeout, l.events)
	l.inPoll.Store(false)
	if errors.Is(err, unix.EINTR) {
		n, err = 0, nil // the pollers retry EINTR; one of the student's might not
	}
	if err != nil {
		return 0, fmt.Errorf("loop: poll: %w", err)
	}
	if l.observer != nil {
		l.observer.PollReturned(l.events[:n])
	}
	return n, nil
}

// queueReadyFDs queues the reader and the writer of each ready fd, noting
// the generation of each waiter so that runReady can drop the stale ones.
// The loop's own wake-up fd is not a waiter: its event moves the callbacks
// of other goroutines to the ready queue.
func (l *Loop) queueReadyFDs(events []Event) {
	for _, ev := range events {
		if ev.FD == l.wake.fd {
			l.takeRemote()
			continue
		}
		if ev.Events&Readable != 0 {
			if w, ok := l.waiters.Reader(ev.FD); ok {
				l.ready = append(l.ready, task{fd: ev.FD, kind: Reader, gen: w.Gen})
			}
		}
		if ev.Events&Writable != 0 {
			if w, ok := l.waiters.Writer(ev.FD); ok {
				l.ready = append(l.ready, task{fd: ev.FD, kind: Writer, gen: w.Gen})
			}
		}
	}
}

// queueDueTimers moves the timers that are due to the ready queue, earliest
// first, ties in scheduling order.
func (l *Loop) queueDueTimers() {
	if l.timers.Len() == 0 {
		return
	}
	now := l.clock.Now()
	for t := l.timers.PopDue(now); t != nil; t = l.timers.PopDue(now) {
		l.ready = append(l.ready, task{timer: t, fd: -1, kind: Timer})
	}
}

// alive reports whether anything is left that could make a callback run.
func (l *Loop) alive() bool {
	return len(l.ready) > 0 || l.waiters.Len() > 0 || l.timers.Len() > 0 ||
		l.holds.Load() > 0 || l.wake.pending.Load()
}

func (l *Loop) runExitChecks() error {
	for _, check := range l.exitChecks {
		var err error
		l.call(func() { err = check() }) // a panic is reported, as any callback's
		if err != nil {
			return err
		}
	}
	return nil
}

// enter marks the loop running; leave unmarks it, and finishes a Close that
// a callback asked for.
func (l *Loop) enter(method string) error {
	if err := l.checkGoroutine(method); err != nil {
		return err
	}
	if l.closed {
		return fmt.Errorf("loop: %s: %w", method, ErrClosed)
	}
	if !l.running.CompareAndSwap(false, true) {
		return fmt.Errorf("loop: %s: %w", method, ErrRunning)
	}
	if l.watchdog != nil {
		l.watchdog.start()
	}
	return nil
}

func (l *Loop) leave() {
	if l.watchdog != nil {
		l.watchdog.halt()
	}
	// Whatever way Run ends (a poller that panicked included), the loop is
	// no longer in poll, and a Stop has been used up.
	l.inPoll.Store(false)
	l.stopping = false
	l.running.Store(false)
	if l.closing {
		l.closing = false
		if err := l.closeNow(); err != nil {
			l.onError(err)
		}
	}
}
