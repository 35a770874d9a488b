package threadpool

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

// TestResultsComeBackOnTheLoop queues works from the loop and checks that
// every done runs, on the loop goroutine, with its work's result, and that
// Run waits for them all (the pool holds the loop) though nothing else
// keeps it alive.
func TestResultsComeBackOnTheLoop(t *testing.T) {
	checkWorkersEnd(t)
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _, p := newPool(t, backend)
		const n = 20
		results := make([]int, n)
		var got []int
		var loopGoroutine uint64
		l.CallSoon(func() {
			loopGoroutine = goroutineID()
			for i := range n {
				_, err := p.Submit(func() { results[i] = i * i }, func(err error) {
					if err != nil {
						t.Errorf("work %d: done(%v), want done(nil)", i, err)
					}
					if g := goroutineID(); g != loopGoroutine {
						t.Errorf("work %d: done ran on goroutine %d, want the loop's, %d", i, g, loopGoroutine)
					}
					got = append(got, results[i])
				})
				if err != nil {
					t.Fatalf("Submit %d: %v", i, err)
				}
			}
		})
		testutil.Run(t, l, 10*time.Second)
		if len(got) != n {
			t.Fatalf("Run returned after %d of %d dones: the pool must hold the loop until every done has run", len(got), n)
		}
		var want, sorted []int
		for i := range n {
			want = append(want, i*i)
		}
		sorted = append(sorted, got...)
		slices.Sort(sorted)
		if diff := cmp.Diff(want, sorted); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
	})
}

// TestAtMostWorkersRun queues more works than workers and checks how many
// worker goroutines the pool started, while every work waits on a gate.
func TestAtMostWorkersRun(t *testing.T) {
	checkWorkersEnd(t)
	for _, workers := range []int{1, 2, DefaultWorkers} {
		t.Run(fmt.Sprint(workers), func(t *testing.T) {
			l, _, p := newPool(t, loop.Backends()[0], WithWorkers(workers))
			g := newGate()
			for range workers + 3 {
				if _, err := p.Submit(g.work, func(error) {}); err != nil {
					t.Fatal(err)
				}
			}
			g.waitStarted(t, workers)
			p.mu.Lock()
			running, queued := p.running, len(p.queue)
			p.mu.Unlock()
			if running != workers || queued != 3 {
				t.Errorf("with %d works queued, %d workers run and %d works wait; want %d and 3", workers+3, running, queued, workers)
			}
			close(g.open)
			testutil.Run(t, l, 10*time.Second)
		})
	}
}

// TestFullQueueIsRefused fills the queue behind a work that holds the only
// worker, and checks that one more Submit fails at once with ErrFull, and
// that the works queued before it still run.
func TestFullQueueIsRefused(t *testing.T) {
	checkWorkersEnd(t)
	l, _, p := newPool(t, loop.Backends()[0], WithWorkers(1), WithQueue(2))
	g := newGate()
	var done int
	count := func(error) { done++ }
	if _, err := p.Submit(g.work, count); err != nil {
		t.Fatal(err)
	}
	g.waitStarted(t, 1) // off the queue, on the worker
	for i := range 2 {
		if _, err := p.Submit(func() {}, count); err != nil {
			t.Fatalf("Submit %d with room in the queue: %v", i+2, err)
		}
	}
	_, err := p.Submit(func() { t.Error("a refused work ran") }, func(error) { t.Error("a refused work's done ran") })
	if !errors.Is(err, ErrFull) {
		t.Errorf("Submit on a full queue = %v, want an error wrapping ErrFull", err)
	}
	close(g.open)
	testutil.Run(t, l, 10*time.Second)
	if done != 3 {
		t.Errorf("%d dones ran, want 3: the works queued before the refusal", done)
	}
}

// TestPanicInWorkIsReported checks that a work's panic reaches the loop's
// error handler with its stack, and done hears of it.
func TestPanicInWorkIsReported(t *testing.T) {
	checkWorkersEnd(t)
	l, log, p := newPool(t, loop.Backends()[0])
	var doneErr error
	if _, err := p.Submit(panicInWork, func(err error) { doneErr = err }); err != nil {
		t.Fatal(err)
	}
	testutil.Run(t, l, 10*time.Second)
	if !errors.Is(doneErr, ErrPanicked) || !strings.Contains(doneErr.Error(), "disk on fire") {
		t.Errorf("done got %v, want an error wrapping ErrPanicked that says what the work panicked with", doneErr)
	}
	errs := log.Take()
	var pe *loop.PanicError
	if len(errs) != 1 || !errors.As(errs[0], &pe) {
		t.Fatalf("the loop reported %v, want one *loop.PanicError", errs)
	}
	if pe.Name != "threadpool work" || !strings.Contains(string(pe.Stack), "panicInWork") {
		t.Errorf("PanicError named %q with stack\n%s\nwant it named \"threadpool work\", with panicInWork in the stack", pe.Name, pe.Stack)
	}
}

func panicInWork() { panic("disk on fire") }

// TestCancel cancels a work before a worker takes it, and one a worker is
// running: the first never runs and gets ErrCancelled, the second cannot
// be stopped and gets its own outcome.
func TestCancel(t *testing.T) {
	checkWorkersEnd(t)
	l, _, p := newPool(t, loop.Backends()[0], WithWorkers(1))
	g := newGate()
	var ranQueued atomic.Bool
	var got []string
	note := func(name string) func(error) {
		return func(err error) { got = append(got, fmt.Sprintf("%s: %v", name, err)) }
	}
	running, err := p.Submit(g.work, note("running"))
	if err != nil {
		t.Fatal(err)
	}
	g.waitStarted(t, 1)
	queued, err := p.Submit(func() { ranQueued.Store(true) }, note("queued"))
	if err != nil {
		t.Fatal(err)
	}
	if !queued.Cancel() {
		t.Error("Cancel of a queued work = false, want true")
	}
	if running.Cancel() {
		t.Error("Cancel of a running work = true, want false")
	}
	close(g.open)
	testutil.Run(t, l, 10*time.Second)
	want := []string{"queued: " + ErrCancelled.Error(), "running: <nil>"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dones (-want +got):\n%s", diff)
	}
	if ranQueued.Load() {
		t.Error("the cancelled work ran")
	}
}

// TestLoopClosedWhileWorkRuns closes the loop while one work runs and one
// waits, then lets the first finish: its result is dropped, the waiting
// work never runs, the workers end, and Submit then refuses.
func TestLoopClosedWhileWorkRuns(t *testing.T) {
	checkWorkersEnd(t)
	l, _, p := newPool(t, loop.Backends()[0], WithWorkers(1))
	g := newGate()
	var ranQueued atomic.Bool
	never := func(error) { t.Error("a done ran after the loop was closed") }
	if _, err := p.Submit(g.work, never); err != nil {
		t.Fatal(err)
	}
	g.waitStarted(t, 1)
	if _, err := p.Submit(func() { ranQueued.Store(true) }, never); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	close(g.open)
	deadline := time.Now().Add(testutil.Scale(5 * time.Second))
	for workerGoroutines() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if ranQueued.Load() {
		t.Error("a work queued before the loop closed ran after it")
	}
	if _, err := p.Submit(func() {}, never); !errors.Is(err, loop.ErrClosed) {
		t.Errorf("Submit after the pool saw the loop closed = %v, want an error wrapping loop.ErrClosed", err)
	}
}

// TestBadOptionsAreRefused checks that New names the option it refuses.
func TestBadOptionsAreRefused(t *testing.T) {
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	tests := []struct {
		opt  Option
		want string
	}{
		{WithWorkers(0), "threadpool: WithWorkers(0): want at least 1"},
		{WithQueue(-1), "threadpool: WithQueue(-1): want at least 1"},
	}
	for _, tt := range tests {
		_, err := New(l, tt.opt)
		got := fmt.Sprint(err)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("New error (-want +got):\n%s", diff)
		}
	}
}

// TestGoexitInWorkIsReported checks that a work that calls runtime.Goexit
// (t.FailNow does) ends as a panicking one would: reported, done told, and
// the works queued behind it still run on a new worker.
func TestGoexitInWorkIsReported(t *testing.T) {
	checkWorkersEnd(t)
	l, log, p := newPool(t, loop.Backends()[0], WithWorkers(1))
	var got []string
	note := func(name string) func(error) {
		return func(err error) { got = append(got, fmt.Sprintf("%s: %v", name, err)) }
	}
	if _, err := p.Submit(runtime.Goexit, note("goexit")); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Submit(func() {}, note("after")); err != nil {
		t.Fatal(err)
	}
	testutil.Run(t, l, 10*time.Second)
	want := []string{"goexit: " + ErrPanicked.Error() + ": runtime.Goexit called by the work", "after: <nil>"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dones (-want +got):\n%s", diff)
	}
	if errs := log.Take(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "runtime.Goexit") {
		t.Errorf("the loop reported %v, want one error naming runtime.Goexit", errs)
	}
}
