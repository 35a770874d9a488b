// Package miniloop is a known-wrong loop for the checks of tutorial step
// 04: pollTimeout returns 0 while a timer is pending.
//
// It keeps what every event loop keeps: the waiters (for each fd, a reader
// and a writer, in a waiters.Set), the timers (a timers.Heap ordered by
// deadline) and the ready queue (callbacks to run now, in order). Its
// RunOnce, in runonce.go, is the seed's event_loop() in Go: one poll, then
// run whatever was waiting for what happened.
//
// The kit's loop (package loop) is the same machine, with what a real
// program needs besides: a watchdog, an observer, several pollers to
// choose from, fewer allocations. Read loop/run.go next to runonce.go.
package miniloop

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
	"github.com/loopkit/loopkit/waiters"
)

// maxEvents is how many ready fds one Wait may report. More stay ready and
// come back at the next Wait (polling is level-triggered).
const maxEvents = 256

// A Loop waits for fds and timers in one poll call and runs the callbacks
// that were waiting for them. Every method but CallSoonThreadSafe belongs
// to the goroutine that calls Run (or RunOnce), and to the callbacks it
// runs.
type Loop struct {
	// Set by New, then read-only.
	poller       loop.Poller
	clock        timers.Clock
	onError      func(error)
	wakeR, wakeW int // a pipe: a byte in it wakes a loop asleep in Wait

	// Owned by the loop goroutine.
	waiters   *waiters.Set
	timers    timers.Heap
	ready     []task       // the ready queue: run in order by the next RunOnce
	events    []loop.Event // Wait's answer, reused by every iteration
	stopping  bool
	closed    bool
	iteration int
	trace     io.Writer // SetTrace: one line per iteration, or nil

	mu           sync.Mutex // guards remote and remoteClosed, shared with other goroutines
	remote       []func()   // queued by CallSoonThreadSafe
	remoteClosed bool
}

// A task is one entry of the ready queue. A waiter is queued by fd and
// generation rather than by its function, so that runReady can tell a
// waiter still current from one removed or replaced since the poll.
type task struct {
	kind  loop.Kind     // Soon, Reader, Writer or Timer
	fn    func()        // Soon: the callback
	fd    int           // Reader, Writer: the ready fd
	gen   uint64        // Reader, Writer: the waiter's generation when queued
	timer *timers.Timer // Timer: the due timer
}

// New returns a loop that waits in poller and reads the time from clock;
// onError gets the panics of callbacks. The loop owns poller from now on:
// Close closes it.
func New(poller loop.Poller, clock timers.Clock, onError func(error)) (*Loop, error) {
	r, w, err := wakePipe()
	if err != nil {
		return nil, err
	}
	if err := poller.Register(r, loop.Readable); err != nil {
		unix.Close(r)
		unix.Close(w)
		return nil, fmt.Errorf("miniloop: registering the wake-up pipe: %w", err)
	}
	return &Loop{
		poller: poller, clock: clock, onError: onError, wakeR: r, wakeW: w,
		waiters: waiters.New(), events: make([]loop.Event, maxEvents),
	}, nil
}

// SetTrace makes RunOnce print one line per iteration to w (nil: none).
func (l *Loop) SetTrace(w io.Writer) { l.trace = w }

// AddReader makes fn the reader of fd: it runs in each iteration in which
// fd is readable, until RemoveReader. A reader fd already had is replaced.
func (l *Loop) AddReader(fd int, fn func()) error {
	return l.addWaiter("AddReader", fd, fn, l.waiters.AddReader)
}

// AddWriter makes fn the writer of fd, as AddReader does for readers.
func (l *Loop) AddWriter(fd int, fn func()) error {
	return l.addWaiter("AddWriter", fd, fn, l.waiters.AddWriter)
}

// RemoveReader removes the reader of fd and reports whether there was one.
func (l *Loop) RemoveReader(fd int) bool {
	return l.removeWaiter("RemoveReader", fd, l.waiters.RemoveReader)
}

// RemoveWriter removes the writer of fd and reports whether there was one.
func (l *Loop) RemoveWriter(fd int) bool {
	return l.removeWaiter("RemoveWriter", fd, l.waiters.RemoveWriter)
}

// addWaiter adds a waiter, then tells the poller the fd's new interest. If
// the poller refuses (select: fd too high), the waiter goes again.
func (l *Loop) addWaiter(method string, fd int, fn func(), add func(int, func()) uint64) error {
	switch {
	case l.closed:
		return fmt.Errorf("miniloop: %s(%d): %w", method, fd, loop.ErrClosed)
	case fd < 0 || fn == nil:
		return fmt.Errorf("miniloop: %s(%d): need an fd >= 0 and a function", method, fd)
	}
	before := l.waiters.Events(fd)
	add(fd, fn)
	if err := l.syncInterest(fd, before); err != nil {
		if method == "AddReader" {
			l.waiters.RemoveReader(fd)
		} else {
			l.waiters.RemoveWriter(fd)
		}
		return fmt.Errorf("miniloop: %s(%d): %w", method, fd, err)
	}
	return nil
}

func (l *Loop) removeWaiter(method string, fd int, remove func(int) bool) bool {
	before := l.waiters.Events(fd)
	if l.closed || !remove(fd) {
		return false
	}
	if err := l.syncInterest(fd, before); err != nil {
		l.onError(fmt.Errorf("miniloop: %s(%d): %w", method, fd, err))
	}
	return true
}

// syncInterest tells the poller what fd is waited for now, if that changed.
func (l *Loop) syncInterest(fd int, before waiters.Events) error {
	if now := l.waiters.Events(fd); now != before {
		return l.poller.Register(fd, loop.Events(now))
	}
	return nil
}

// CallSoon queues fn: it runs in the next run phase, after the callbacks
// queued before it.
func (l *Loop) CallSoon(fn func()) {
	l.ready = append(l.ready, task{kind: loop.Soon, fn: fn})
}

// CallLater schedules fn to run once d has passed on the loop's clock, and
// returns its timer; Cancel on it stops fn from running.
func (l *Loop) CallLater(d time.Duration, fn func()) *timers.Timer {
	return l.timers.Schedule(l.clock.Now().Add(d), fn)
}

// CallSoonThreadSafe queues fn from any goroutine, and wakes the loop if
// it sleeps in Wait: the byte written to the pipe makes the pipe readable,
// and the poller reports it. It returns an error once the loop is closed.
func (l *Loop) CallSoonThreadSafe(fn func()) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.remoteClosed {
		return fmt.Errorf("miniloop: CallSoonThreadSafe: %w", loop.ErrClosed)
	}
	l.remote = append(l.remote, fn)
	// Under mu, so that Close cannot close the pipe in between. EAGAIN
	// (the pipe is full) is fine: a wake-up is pending already.
	unix.Write(l.wakeW, []byte{1})
	return nil
}

// takeRemote empties the wake-up pipe and moves the callbacks of other
// goroutines to the ready queue, in the order they came.
func (l *Loop) takeRemote() {
	var buf [64]byte
	for {
		if n, err := unix.Read(l.wakeR, buf[:]); n <= 0 || err != nil {
			break
		}
	}
	l.mu.Lock()
	remote := l.remote
	l.remote = nil
	l.mu.Unlock()
	for _, fn := range remote {
		l.CallSoon(fn)
	}
}

// Run runs iterations until Stop is called or nothing is left to wait for.
func (l *Loop) Run() error {
	if l.closed {
		return fmt.Errorf("miniloop: Run: %w", loop.ErrClosed)
	}
	for l.alive() {
		if err := l.RunOnce(); err != nil {
			return err
		}
		if l.stopping {
			l.stopping = false
			return nil
		}
	}
	return nil
}

// alive reports whether anything is left that could make a callback run.
func (l *Loop) alive() bool {
	l.mu.Lock()
	remote := len(l.remote)
	l.mu.Unlock()
	return len(l.ready) > 0 || l.waiters.Len() > 0 || l.timers.Len() > 0 || remote > 0
}

// Stop makes Run return after the current iteration.
func (l *Loop) Stop() { l.stopping = true }

// Close releases the poller and the wake-up pipe; callbacks still queued
// and timers still pending are dropped. Call it once Run has returned.
func (l *Loop) Close() error {
	if l.closed {
		return fmt.Errorf("miniloop: Close: %w", loop.ErrClosed)
	}
	l.closed = true
	l.ready = nil
	for l.timers.Len() > 0 {
		l.timers.Peek().Cancel()
	}
	err := l.poller.Close()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.remoteClosed, l.remote = true, nil
	unix.Close(l.wakeR)
	unix.Close(l.wakeW)
	return err
}

// call is the only place the loop calls user code. A panic is recovered
// and handed to onError with its stack, and the loop goes on.
func (l *Loop) call(fn func()) {
	defer func() {
		if v := recover(); v != nil {
			l.onError(fmt.Errorf("miniloop: callback panicked: %v\n%s", v, debug.Stack()))
		}
	}()
	fn()
}

// wakePipe returns a non-blocking, close-on-exec pipe. (The kit's loop uses
// an eventfd on Linux, one fd instead of two; a pipe works everywhere.)
func wakePipe() (r, w int, err error) {
	var fds [2]int
	if err := unix.Pipe(fds[:]); err != nil {
		return -1, -1, fmt.Errorf("miniloop: pipe: %w", err)
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(fds[0])
			unix.Close(fds[1])
			return -1, -1, errors.Join(errors.New("miniloop: making the wake-up pipe non-blocking"), err)
		}
	}
	return fds[0], fds[1], nil
}
