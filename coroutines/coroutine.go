package coroutines

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// A Coroutine is a function running on a goroutine of its own that runs
// only while the loop has handed it control: gevent's greenlet. It is made
// by Spawn (or a Hub's Spawn, SpawnLater, a Group or a Pool) and lives
// through these states:
//
//	created  spawned, waiting for the loop to start it
//	running  it has control; the loop goroutine waits for it
//	parked   it waits for something (I/O, a timer, a queue...) and has
//	         handed control back to the loop
//	done     its function returned (or panicked); Err says how
//
// Its methods belong to the loop goroutine and the running coroutine.
type Coroutine struct {
	// Set by spawn, then read-only.
	hub    *Hub
	id     uint64
	fn     func(ctx context.Context) error
	ctx    context.Context         // the context fn receives: carries co, cancelled by Kill
	cancel context.CancelCauseFunc // cancels ctx
	// goroutine is the coroutine's goroutine, as the loop's watchdog knows
	// it (see tookControl).
	goroutine loop.Goroutine
	// resumeFunc and wakeFunc are the methods as values, made once so that
	// queueing a resume or a wake-up on the loop does not allocate.
	resumeFunc func()
	wakeFunc   func()

	// The two ends of the switch (see park.go), set by start: the loop
	// runs the coroutine with next; the coroutine hands control back with
	// yield. stop ends a coroutine that left in the middle of a Goexit.
	next  func() (struct{}, bool)
	stop  func()
	yield func(struct{}) bool

	// Owned by the loop goroutine and the running coroutine.
	name       string
	state      state
	startTimer *timers.Timer // SpawnLater's timer, until it fires
	killed     bool
	watched    bool // a Join, JoinAll, Link or Group will see its error
	err        error
	links      []func(*Coroutine)
	onFinish   []func()            // the kit's own hooks: Group, Pool
	joiners    waitQueue[struct{}] // coroutines in Join
	timeouts   []*timeout          // live WithTimeout contexts, see timeout.go

	// The current park, see park.go.
	seq        uint64          // counts parks: a wake-up from another goroutine names the park it is for
	what       string          // what the coroutine waits on, for the deadlock report
	parkCtx    context.Context // the context the coroutine parked with
	locate     bool            // the deadlock check asks the parked coroutine where it is
	site       string          // its answer: "file.go:51"
	wakeQueued bool            // a resume is on the loop's ready queue
	woken      bool            // ... and it was queued by wake, not by a cancellation
	exiting    bool            // it handed control back in the middle of a Goexit: see outliveGoexit
}

// The states of a coroutine; see Coroutine.
type state int

const (
	created state = iota
	running
	parked
	done
)

// Spawn starts fn as a coroutine on the hub: it runs in the loop's next
// iteration, after the callbacks and coroutines queued before it (so
// coroutines spawned one after another start in that order). Spawn does not
// run fn and does not block; call it from the loop goroutine, a coroutine,
// or, before the loop runs, the goroutine that made the hub.
func (h *Hub) Spawn(fn func(ctx context.Context) error) *Coroutine {
	co := h.newCoroutine(context.Background(), fn)
	if co.state == created {
		h.loop.CallSoon(co.startIfCreated)
	}
	return co
}

// SpawnLater is Spawn, except that fn starts once d has passed on the
// loop's clock. Killed before then, it never starts.
func (h *Hub) SpawnLater(d time.Duration, fn func(ctx context.Context) error) *Coroutine {
	co := h.newCoroutine(context.Background(), fn)
	if co.state == created {
		co.startTimer = h.loop.CallLater(d, co.startIfCreated)
	}
	return co
}

// Spawn starts fn as a coroutine on the hub of the coroutine ctx belongs to,
// as Hub.Spawn. The new coroutine's context carries the values of ctx but
// not its cancellation: as in gevent, killing a coroutine does not kill the
// ones it spawned (use a Group for that). Called with a context that is not
// a running coroutine's, Spawn returns a coroutine that has already failed
// with an error saying so (ErrOutsideCoroutine): with no coroutine there is
// no hub, and no loop to run anything on.
func Spawn(ctx context.Context, fn func(ctx context.Context) error) *Coroutine {
	parent, err := current(ctx)
	if err != nil {
		return failed(err)
	}
	co := parent.hub.newCoroutine(context.WithoutCancel(ctx), fn)
	if co.state == created {
		parent.hub.loop.CallSoon(co.startIfCreated)
	}
	return co
}

// SpawnLater starts fn once d has passed on the loop's clock, as
// Hub.SpawnLater, on the hub of the coroutine ctx belongs to, as Spawn.
func SpawnLater(ctx context.Context, d time.Duration, fn func(ctx context.Context) error) *Coroutine {
	parent, err := current(ctx)
	if err != nil {
		return failed(err)
	}
	co := parent.hub.newCoroutine(context.WithoutCancel(ctx), fn)
	if co.state == created {
		co.startTimer = parent.hub.loop.CallLater(d, co.startIfCreated)
	}
	return co
}

// newCoroutine makes a coroutine in state created, or, on a closed hub, one
// already done with ErrHubClosed.
func (h *Hub) newCoroutine(base context.Context, fn func(ctx context.Context) error) *Coroutine {
	h.nextID++
	co := &Coroutine{
		hub:  h,
		id:   h.nextID,
		fn:   fn,
		name: fmt.Sprintf("coroutine-%d", h.nextID),
	}
	co.resumeFunc = co.resumeIfQueued
	co.wakeFunc = co.wake
	cctx, cancel := context.WithCancelCause(base)
	co.ctx, co.cancel = context.WithValue(cctx, coroutineKey{}, co), cancel
	if h.closed {
		co.state = done
		co.err = ErrHubClosed
		cancel(ErrHubClosed)
		return co
	}
	h.live[co] = struct{}{}
	return co
}

// failed returns a coroutine that never ran and failed with err, for a
// Spawn that could not find its hub. It belongs to no hub: Join returns
// err, Kill does nothing, and its links are never called.
func failed(err error) *Coroutine {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(err)
	return &Coroutine{ctx: ctx, cancel: cancel, name: "coroutine-?", state: done, err: err}
}

// startIfCreated is the loop callback that starts the coroutine, unless it
// was killed before its turn came.
func (co *Coroutine) startIfCreated() {
	if co.state != created {
		return
	}
	co.startTimer = nil
	co.hub.start(co)
}

// body is the function of the coroutine's goroutine, as iter.Pull calls
// it: yield is how the coroutine will hand control back.
func (co *Coroutine) body(yield func(struct{}) bool) {
	co.yield = yield
	co.main()
}

// main calls fn and, however fn ends, finishes the coroutine; returning
// hands control back to the loop for the last time. Its deferred calls run
// in this order:
//   - a panic in fn becomes a *loop.PanicError, reported to the loop, and
//     so does an error that no one will see (see unseen);
//   - finish records the result and wakes the coroutine's joiners, and the
//     goroutine is counted out, for Close.
//
// fn may also end with runtime.Goexit (t.FailNow in a test): recover then
// returns nil and err is still errGoexit, and the coroutine hands control
// back without returning (outliveGoexit).
func (co *Coroutine) main() {
	co.tookControl()
	err, goexit := errGoexit, false
	defer func() {
		co.finish(err)
		co.handBack()
		co.hub.goroutines.Done()
		if goexit {
			co.outliveGoexit()
		}
	}()
	defer func() {
		v := recover()
		switch {
		case v != nil:
			err = &loop.PanicError{Value: v, Stack: debug.Stack(), Name: "coroutine " + co.name}
			co.hub.loop.ReportError(err)
		case err == errGoexit:
			goexit = true
			err = fmt.Errorf("coroutines: %s: %w", co.name, errGoexit)
			co.hub.loop.ReportError(err)
		case co.unseen(err):
			co.hub.loop.ReportError(fmt.Errorf("coroutines: %s failed, and no Join, Link or Group took its error: %w", co.name, err))
		}
	}()
	err = co.fn(co.ctx)
}

// unseen reports whether err, which fn returned, is a failure that no one
// will see: no Join, JoinAll, Link or Group was waiting for the coroutine
// when it ended. A coroutine that was killed did not fail.
func (co *Coroutine) unseen(err error) bool {
	return err != nil && !co.watched && !co.killed && !errors.Is(err, ErrKilled)
}

var errGoexit = errors.New("the coroutine's function called runtime.Goexit")

// finish ends the coroutine with err (ErrKilled if it was killed and fn
// returned nil): it cancels its context and its timeouts, leaves the hub,
// runs the kit's hooks, wakes the coroutines in Join and queues the Link
// callbacks.
func (co *Coroutine) finish(err error) {
	if co.killed && err == nil {
		err = ErrKilled
	}
	co.state, co.err = done, err
	co.cancel(errFinished)
	for _, t := range co.timeouts {
		t.timer.Cancel()
	}
	co.timeouts = nil
	delete(co.hub.live, co)
	for _, hook := range co.onFinish {
		hook()
	}
	co.onFinish = nil
	for w := co.joiners.first(); w != nil; w = co.joiners.first() {
		co.joiners.serve(w)
	}
	if !co.hub.closed { // Close kills: the loop may never run again
		for _, fn := range co.links {
			co.hub.loop.CallSoon(func() { fn(co) })
		}
	}
	co.links = nil
}

var errFinished = errors.New("coroutines: the coroutine has finished")

// Name returns the coroutine's name: "coroutine-N" (the N-th spawned on its
// hub) unless SetName changed it. Deadlock reports name coroutines by it.
func (co *Coroutine) Name() string { return co.name }

// SetName names the coroutine, for reports: "writer(alice)".
func (co *Coroutine) SetName(name string) { co.name = name }

// String returns the coroutine's name.
func (co *Coroutine) String() string { return co.name }

// Done reports whether the coroutine has finished.
func (co *Coroutine) Done() bool { return co.state == done }

// Err returns what the coroutine's function returned, once Done: nil for
// success, ErrKilled for a killed coroutine whose function returned nil, a
// *loop.PanicError if it panicked. While the coroutine has not finished,
// Err returns nil.
func (co *Coroutine) Err() error { return co.err }

// Context returns the coroutine's context: the one its function received.
func (co *Coroutine) Context() context.Context { return co.ctx }

// Link registers fn to be called when the coroutine finishes (at once, in
// the next iteration, if it already has). fn runs as a loop callback, on the
// loop goroutine, in the order links were registered: it must not block,
// but may spawn, kill, or put to a queue with TryPut. The links of the
// coroutines that Hub.Close kills are not called.
func (co *Coroutine) Link(fn func(*Coroutine)) {
	co.watched = true
	if co.state == done {
		if co.hub != nil && !co.hub.closed {
			co.hub.loop.CallSoon(func() { fn(co) })
		}
		return
	}
	co.links = append(co.links, fn)
}

// sortByID sorts coroutines in spawn order, so that reports are the same
// run after run.
func sortByID(cos []*Coroutine) {
	slices.SortFunc(cos, func(a, b *Coroutine) int { return cmp.Compare(a.id, b.id) })
}

// Current returns the coroutine ctx belongs to, or nil if ctx is not a
// coroutine's context.
func Current(ctx context.Context) *Coroutine {
	co, _ := ctx.Value(coroutineKey{}).(*Coroutine)
	return co
}
