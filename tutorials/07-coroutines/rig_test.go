package main

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// A rig is a kit loop and a hub of the version under check, for one
// check. The loop runs in a goroutine of its own (start); the check talks
// to it with onLoop, and moves its fake clock, if it has one, with Advance.
type rig struct {
	t     *testing.T
	loop  *loop.Loop
	hub   Hub
	clock *timers.Fake // nil: the real clock
	ended chan error   // Run's result, once

	mu       sync.Mutex // guards problems
	problems []string   // what the loop reported
}

// epoch is the fake clock's start.
var epoch = time.Date(2014, 7, 21, 9, 0, 0, 0, time.UTC)

// newRig makes the loop (on a fake clock if fake) and the hub. The test's
// end closes both, if the loop has stopped.
func newRig(t *testing.T, v version, fake bool) *rig {
	t.Helper()
	r := &rig{t: t, ended: make(chan error, 1)}
	opts := []loop.Option{loop.WithErrorHandler(r.report)}
	if fake {
		r.clock = timers.NewFake(epoch)
		opts = append(opts, loop.WithClock(r.clock))
	}
	l, err := loop.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	r.loop = l
	r.hub = v.NewHub(l)
	return r
}

func (r *rig) report(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.problems = append(r.problems, todo.Reported(err).Error())
}

// reported returns what the loop reported so far, one per line.
func (r *rig) reported() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.problems, "\n  ")
}

// bound is how long the check waits for anything.
func bound() time.Duration { return steptest.Scale(3 * time.Second) }

// start runs the loop in a goroutine of its own. The test's end closes the
// hub and the loop once Run has returned (if it never does, the loop is
// stuck in a callback, and the check has said so).
func (r *rig) start() {
	go func() { r.ended <- r.loop.Run() }()
	r.t.Cleanup(func() {
		wait := bound()
		if r.t.Failed() {
			wait = bound() / 30 // most likely stuck: the check said so already
		}
		select {
		case <-r.ended:
		case <-time.After(wait):
			return // stuck: leave it, the check has failed
		}
		closed := make(chan struct{})
		go func() {
			defer close(closed)
			todo.Catch(r.hub.Close)
		}()
		select {
		case <-closed:
			r.loop.Close()
		case <-time.After(bound()):
		}
	})
}

// onLoop runs fn on the loop goroutine and waits for it; if Run has
// returned meanwhile (every coroutine finished), fn runs here, since
// nothing runs on the loop any more. A loop that does neither within the
// bound is stuck inside a callback: the check fails.
func (r *rig) onLoop(fn func()) {
	r.t.Helper()
	done := make(chan struct{})
	var once sync.Once
	if err := r.loop.CallSoonThreadSafe(func() { once.Do(fn); close(done) }); err != nil {
		r.t.Fatalf("the loop has ended: %v%s", err, r.explain())
	}
	select {
	case <-done:
	case err := <-r.ended:
		r.ended <- err
		once.Do(fn)
	case <-time.After(bound()):
		r.t.Fatalf(stuckInCallback+"%s", bound(), r.explain())
	}
}

// stuckInCallback says why a loop runs no callback: its %v is the bound.
const stuckInCallback = "the loop did not run a callback within %v: it is stuck inside one, most likely in resume, " +
	"waiting for a coroutine that does not hand control back (park must send on h.yield, then wait on co.resume)"

// settle lets the loop run until what is queued now has run, and what
// that queued in turn: a wake-up runs the iteration after its timer.
func (r *rig) settle() {
	r.t.Helper()
	for range 3 {
		r.onLoop(func() {})
	}
}

// advance moves the fake clock and lets the loop settle.
func (r *rig) advance(d time.Duration) {
	r.t.Helper()
	r.clock.Advance(d)
	r.settle()
}

// wait waits for Run to return: every coroutine has finished, and nothing
// is left to wait for.
func (r *rig) wait() {
	r.t.Helper()
	select {
	case err := <-r.ended:
		r.ended <- err // for the cleanup
		if err != nil {
			r.t.Fatalf("Run: %v", err)
		}
	case <-time.After(bound()):
		live := -1
		done := make(chan struct{})
		if r.loop.CallSoonThreadSafe(func() { live = r.hub.Live(); close(done) }) == nil {
			select {
			case <-done:
			case <-time.After(bound() / 4):
			}
		}
		r.t.Fatalf("Run had not returned %v later (%d coroutines not finished): the loop still waits for something, "+
			"or is stuck inside a callback%s", bound(), live, r.explain())
	}
}

// explain adds what the loop reported to a failure.
func (r *rig) explain() string {
	if p := r.reported(); p != "" {
		return "\n  the loop reported:\n  " + p
	}
	return ""
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/07-coroutines/hints.md quotes each check's message, with three hints per function")
	}
}
