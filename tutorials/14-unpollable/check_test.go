package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// The checks of step 14. go test ./tutorials/14-unpollable checks your
// handback.go; LOOPKIT_IMPL=solution checks the reference. Each runs a
// pool on a kit loop of its own, with the backend LOOPKIT_BACKEND names
// (the best of this OS by default), and counts fds and goroutines before
// and after: a worker that outlives its pool is a failure.
//
// The works under check wait on gates the checks open, so "was the loop
// asleep when the result came?" has one answer on any machine: nothing is
// timed; the bounds only limit how long a wrong pool takes to fail.

// TestDoneOnTheLoop submits a work and checks that its done runs once, with
// the work's result, on the loop goroutine: done is a callback of the loop,
// and the loop's callbacks may touch anything of the loop's without a lock,
// only because they all run on that one goroutine.
func TestDoneOnTheLoop(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	r := start(t, 2, true)
	got := make(chan call, 2)
	r.onLoop(func() {
		r.pool.Submit(func() ([]byte, error) { return []byte("hello"), nil }, func(data []byte, err error) {
			got <- call{string(data), fmt.Sprint(err), goroutineID()}
		})
	})
	c := r.await(t, got, "the work returned \"hello\"")
	if c.Goroutine != r.loopGoroutine {
		t.Fatalf("done ran on goroutine %d, but the loop goroutine is %d: done must run on the loop goroutine, "+
			"where every callback of the loop runs; handBack runs on a worker.%s\n  hint: %s",
			c.Goroutine, r.loopGoroutine, r.explain(), hint("handback"))
	}
	if diff := cmp.Diff(call{"hello", "<nil>", r.loopGoroutine}, c); diff != "" {
		t.Errorf("done's call (-want +got):\n%s%s\n  hint: %s", diff, r.explain(), hint("finish"))
	}
}

// TestWakeSleepingLoop waits until the loop is asleep in poll with no
// timeout (nothing to do until an fd is ready or another goroutine wakes
// it), then lets the work return. Its done must run: handBack must wake
// the loop, and through CallSoonThreadSafe; any other loop method, called
// from the worker while the loop sleeps, is reported by the loop's
// wrong-goroutine check and fails the check too.
func TestWakeSleepingLoop(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	r := start(t, 1, true)
	gate := steptest.NewGate()
	defer gate.Open()
	got := make(chan call, 2)
	r.onLoop(func() {
		r.pool.Submit(func() ([]byte, error) { gate.Wait(); return []byte("late"), nil }, func(data []byte, err error) {
			got <- call{string(data), fmt.Sprint(err), goroutineID()}
		})
	})
	if !steptest.Within(r.bound, r.idle.Idle()) {
		t.Fatalf("the loop did not go to sleep in poll within %v of the work's start%s", r.bound, r.explain())
	}
	gate.Open() // the worker returns now, and hands back while the loop sleeps
	called := true
	select {
	case <-got:
	case <-time.After(r.bound):
		called = false
	}
	if wrong, ok := r.seen.WrongGoroutine(); ok {
		t.Fatalf("the worker handed the result to the loop by a method that is not CallSoonThreadSafe; the loop saw it "+
			"while it slept in poll:\n  %s\n  hint: %s", wrong, hint("handback"))
	}
	if !called {
		t.Fatalf("the work returned while the loop slept in poll, but done was not called within %v: nothing woke "+
			"the loop. CallSoonThreadSafe queues the callback and writes to the loop's wake-up fd.%s\n  hint: %s",
			r.bound, r.explain(), hint("handback"))
	}
}

// TestPanicReachesTheLoop submits a work that panics. The panic must reach
// the loop's error handler as a *loop.PanicError with the work's stack, and
// done must be called with an error wrapping ErrPanicked: errors never pass
// silently, and whoever waits for the result must hear.
func TestPanicReachesTheLoop(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	r := start(t, 2, true)
	got := make(chan call, 2)
	r.onLoop(func() {
		r.pool.Submit(diskOnFire, func(data []byte, err error) {
			got <- call{string(data), fmt.Sprint(err), goroutineID()}
		})
	})
	c := r.await(t, got, "the work panicked")
	if !strings.Contains(c.Err, "panicked") || !strings.Contains(c.Err, "disk on fire") {
		t.Errorf("done got the error %q, want one wrapping ErrPanicked, with the panic's value (\"disk on fire\")%s\n  hint: %s",
			c.Err, r.explain(), hint("finish"))
	}
	panics := r.panics()
	if len(panics) != 1 || !strings.Contains(string(panics[0].Stack), "diskOnFire") {
		t.Errorf("the loop's error handler got %d panics %s, want 1, whose stack names the work's function (diskOnFire): "+
			"the loop's error handler never heard of the panic%s\n  hint: %s", len(panics), describePanics(panics), r.explain(), hint("finish"))
	}
}

// diskOnFire is a work that panics.
func diskOnFire() ([]byte, error) { panic("disk on fire") }

// TestRunEndsAfterLastResult queues two works before Run and gives the loop
// nothing else to wait for. Run must keep going until both dones have run
// (the pool holds the loop while a result is on its way), and then return:
// a hold never released keeps Run waiting for ever.
func TestRunEndsAfterLastResult(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	r := start(t, 2, false)
	var dones []string
	for _, word := range []string{"one", "two"} {
		r.pool.Submit(func() ([]byte, error) { return []byte(word), nil }, func(data []byte, err error) {
			dones = append(dones, string(data))
		})
	}
	r.run()
	select {
	case err := <-r.ran:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(r.bound):
		t.Fatalf("both works were done, but Run had not returned after %v: Run returns once nothing is left to wait "+
			"for; is the loop still held? Submit took a loop.Hold for each work.%s\n  hint: %s", r.bound, r.explain(), hint("finish"))
	}
	if len(dones) != 2 {
		t.Fatalf("Run returned after %d of 2 dones%s\n  hint: %s", len(dones), r.explain(), hint("finish"))
	}
}

// A call is what one done was called with, and where.
type call struct {
	Data, Err string
	Goroutine uint64
}

// rig is a pool of the implementation under check on a kit loop of its
// own, with an IdleWatch around the loop's poller.
type rig struct {
	loop          *loop.Loop
	pool          pool
	idle          *steptest.IdleWatch
	seen          *steptest.Detectors
	bound         time.Duration
	release       func()        // the rig's hold on the loop, or nil
	ran           chan error    // Run's result, for the check
	returned      chan struct{} // closed when Run has returned; nil before run
	loopGoroutine uint64

	mu       sync.Mutex // guards the fields below
	problems []string
	panicked []*loop.PanicError
}

// start makes the rig, with a pool of workers; with hold, it runs the loop
// at once, held alive for the checks to hand it work.
func start(t *testing.T, workers int, hold bool) *rig {
	t.Helper()
	newPool := steptest.Impl(t, impls)
	p, err := loop.NewPoller(backend())
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{idle: steptest.WatchIdle(p), bound: steptest.Scale(2 * time.Second), ran: make(chan error, 1)}
	r.seen = steptest.NewDetectors(r.report)
	l, err := loop.New(loop.WithPoller(r.idle), loop.WithErrorHandler(r.handle))
	if err != nil {
		p.Close()
		t.Fatal(err)
	}
	r.loop = l
	if problem := todo.Catch(func() { r.pool = newPool(l, workers) }); problem != "" {
		l.Close()
		t.Fatalf("making the pool: %s", problem)
	}
	t.Cleanup(r.stop)
	if hold {
		r.release = l.Hold()
		r.run()
	}
	return r
}

// run runs the loop on a goroutine of its own, which becomes the loop's.
func (r *rig) run() {
	started := make(chan struct{})
	r.returned = make(chan struct{})
	go func() {
		defer close(r.returned)
		r.loopGoroutine = goroutineID()
		close(started)
		r.ran <- r.loop.Run()
	}()
	<-started
}

// stop lets the loop end, stops it if it does not, then closes the loop
// and the pool: the workers end.
func (r *rig) stop() {
	if r.release != nil {
		r.release()
	}
	if r.returned != nil {
		select {
		case <-r.returned:
		case <-time.After(r.bound):
			r.loop.CallSoonThreadSafe(r.loop.Stop)
			<-r.returned
		}
	}
	r.loop.Close()
	r.pool.Close()
}

// onLoop runs fn on the loop goroutine.
func (r *rig) onLoop(fn func()) { r.loop.CallSoonThreadSafe(fn) }

// await waits for done's call, or fails t, saying what had happened.
func (r *rig) await(t *testing.T, got <-chan call, what string) call {
	t.Helper()
	select {
	case c := <-got:
		return c
	case <-time.After(r.bound):
		t.Fatalf("%s, but done was not called within %v%s\n  hint: %s", what, r.bound, r.explain(), hint("handback"))
	}
	return call{}
}

// handle is the loop's error handler: panics are kept for the checks, the
// wrong-goroutine reports and the rest go through the detectors.
func (r *rig) handle(err error) {
	var pe *loop.PanicError
	if errors.As(err, &pe) && !strings.HasPrefix(fmt.Sprint(pe.Value), "TODO(") {
		r.mu.Lock()
		r.panicked = append(r.panicked, pe)
		r.mu.Unlock()
		return
	}
	r.seen.Handle(err)
}

// report keeps what the detectors pass on, to quote in a failure.
func (r *rig) report(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.problems = append(r.problems, err.Error())
}

func (r *rig) panics() []*loop.PanicError {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.panicked
}

// explain returns what the loop reported, for a failure message.
func (r *rig) explain() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.problems) == 0 {
		return ""
	}
	return "\n  the loop reported:\n    " + strings.Join(r.problems, "\n    ")
}

// describePanics lists the values of panics, for a message.
func describePanics(panics []*loop.PanicError) string {
	var values []string
	for _, pe := range panics {
		values = append(values, fmt.Sprintf("%q", fmt.Sprint(pe.Value)))
	}
	return "[" + strings.Join(values, ", ") + "]"
}

// goroutineID returns the calling goroutine's number, from its stack's
// first line, "goroutine 7 [running]:". For checks only: a program that
// needs it is doing something else wrong.
func goroutineID() uint64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	field := strings.Fields(strings.TrimPrefix(string(buf), "goroutine "))[0]
	id, _ := strconv.ParseUint(field, 10, 64)
	return id
}

// hint points at the first hint of a function.
func hint(function string) string { return "tutorials/14-unpollable/hints.md#" + function + "-h1" }

// backend is the poller the checks run on: LOOPKIT_BACKEND, or the best of
// this OS.
func backend() string {
	if b := os.Getenv("LOOPKIT_BACKEND"); b != "" {
		return b
	}
	return loop.Backends()[0]
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/14-unpollable/hints.md quotes each check's message, with three hints per function")
	}
}
