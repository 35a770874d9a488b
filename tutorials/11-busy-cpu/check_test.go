package main

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/lineserver"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
	"github.com/loopkit/loopkit/tutorials/internal/work"
)

// The checks of step 11. go test ./tutorials/11-busy-cpu checks your
// compute.go; LOOPKIT_IMPL=solution checks the reference. Each runs the
// server on the kit's loop, with the backend LOOPKIT_BACKEND names (the
// best of this OS by default) and the loop's watchdog on, and counts fds
// and goroutines before and after.
//
// The work under check is a gatedWork: it never finishes until the check
// opens its gate. So "did the timer fire while the work ran?" has one
// answer on any machine, however fast: the check never times anything.

// TestTimersFireDuringWork is the pitfall's check, in the two modes that
// must keep the loop going: client A asks for fib, and while its work runs
// (gated), a timer the loop sets for 10ms later must fire, and client B
// must get its echo. Then the gate opens, and A must get its answer.
func TestTimersFireDuringWork(t *testing.T) {
	newHandler := steptest.Impl(t, impls)
	for _, mode := range []int{inSlices, onWorker} {
		t.Run(testName(mode), func(t *testing.T) {
			steptest.CheckLeaks(t)
			defer hintOnFailure(t)
			w := newGatedWork()
			defer w.finish() // before the cleanups: a busy loop can then stop
			srv := start(t, newHandler, mode, w)
			bound := steptest.Scale(2 * time.Second)
			a := steptest.Dial(t, srv.Server, "client A")
			askAndWaitForStart(t, srv, a, w, bound)

			// Ask the loop for a timer, now that the work runs.
			set, fired := make(chan struct{}), make(chan struct{})
			srv.loop.CallSoonThreadSafe(func() {
				close(set)
				srv.loop.CallLater(10*time.Millisecond, func() { close(fired) })
			})
			if !steptest.Within(bound, fired) {
				what := "it had not fired"
				select {
				case <-set:
				default:
					what = "the loop had not even run the callback that sets it"
				}
				t.Fatalf("while the work of \"fib 35\" ran (%s), the loop was asked for a timer due 10ms later; "+
					"after %v %s: one callback kept the loop busy.%s%s\n  hint: %s",
					modeName(mode), bound, what, srv.seen.Stalls(), srv.Explain(), hint(mode))
			}
			b := steptest.Dial(t, srv.Server, "client B")
			if got, err := b.RoundTrip("ping\n", bound); err != nil || got != "ping\n" {
				t.Fatalf("while the work of \"fib 35\" ran (%s), client B sent \"ping\\n\" and got %q back, want it back: "+
					"one callback kept the loop busy.%s%s\n  hint: %s", modeName(mode), got, srv.seen.Stalls(), srv.Explain(), hint(mode))
			}

			w.finish()
			if err := a.Expect("fib 35 = "+gatedAnswer+"\n", bound); err != nil {
				t.Fatalf("the work finished, but %v%s\n  hint: %s", err, srv.Explain(), hint(mode))
			}
		})
	}
}

// TestWakeFromWorker is the check of handing a result back to the loop
// from another goroutine: client A asks for fib, on a worker; the check
// waits until the loop is asleep in poll with no timeout (nothing to do
// until an fd is ready, or another goroutine wakes it), then lets the work
// finish. The answer must reach A: the worker must wake the loop, with
// CallSoonThreadSafe. Any other loop method, called from the worker while
// the loop sleeps, is reported by the loop's wrong-goroutine check, which
// fails the check too. Run it with -race (make check does): a worker that
// touches the loop's data while the loop runs is a data race the race
// detector reports.
func TestWakeFromWorker(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	w := newGatedWork()
	defer w.finish()
	srv := start(t, steptest.Impl(t, impls), onWorker, w)
	bound := steptest.Scale(2 * time.Second)
	a := steptest.Dial(t, srv.Server, "client A")
	askAndWaitForStart(t, srv, a, w, bound)

	if !steptest.Within(bound, srv.idle.Idle()) {
		t.Fatalf("the work of \"fib 35\" started on a worker, but the loop did not go to sleep in poll within %v: "+
			"does the work run on the loop goroutine after all?%s%s\n  hint: %s",
			bound, srv.seen.Stalls(), srv.Explain(), hint(onWorker))
	}
	w.finish() // on the worker: it hands the answer back now, while the loop sleeps
	err := a.Expect("fib 35 = "+gatedAnswer+"\n", bound)
	if _, ok := srv.seen.WrongGoroutine(); ok {
		t.Fatalf("the worker handed the answer to the loop by a method that is not CallSoonThreadSafe; the loop "+
			"saw it while it slept in poll, and reported it (below).\n"+
			"  The kit passed the callback on to CallSoonThreadSafe, so the answer came; a loop without that check would "+
			"have left it in its ready queue, asleep, until some other client woke it.%s\n  hint: %s", srv.Explain(), hint(onWorker))
	}
	if err != nil {
		t.Fatalf("the work finished on the worker while the loop slept in poll, but %v: nothing woke the loop. "+
			"CallSoonThreadSafe queues the callback and writes to the loop's wake-up fd.%s\n  hint: %s",
			err, srv.Explain(), hint(onWorker))
	}
}

// askAndWaitForStart sends A's request, "fib 35", and waits until its work
// has begun.
func askAndWaitForStart(t *testing.T, srv *server, a *steptest.Client, w *gatedWork, bound time.Duration) {
	t.Helper()
	if err := a.Send("fib 35\n", bound); err != nil {
		t.Fatal(err)
	}
	if !steptest.Within(bound, w.started) {
		t.Fatalf("client A sent \"fib 35\\n\", but its work did not start within %v (Step was never called)%s", bound, srv.Explain())
	}
}

// gatedAnswer is what a gatedWork computes.
const gatedAnswer = "42"

// A gatedWork is a work.Work that never finishes until finish is called:
// each Step spends a few microseconds, as a slice of real work would, and
// reports not done, until then.
type gatedWork struct {
	gate    *steptest.Gate
	started chan struct{} // closed at the first Step
	once    sync.Once
}

func newGatedWork() *gatedWork {
	return &gatedWork{gate: steptest.NewGate(), started: make(chan struct{})}
}

// stepTime is what one Step of a gatedWork costs.
const stepTime = 20 * time.Microsecond

func (w *gatedWork) Step() bool {
	w.once.Do(func() { close(w.started) })
	select {
	case <-w.gate.Opened():
		return true
	default:
	}
	for start := time.Now(); time.Since(start) < stepTime; {
	}
	return false
}

func (w *gatedWork) Result() string { return gatedAnswer }

// finish lets the work finish at its next Step.
func (w *gatedWork) finish() { w.gate.Open() }

// server is the step's program under check: a kit loop, with the watchdog
// on and an IdleWatch around its poller, running the line server with the
// handler under check.
type server struct {
	*steptest.Server
	loop *loop.Loop
	idle *steptest.IdleWatch
	seen *steptest.Detectors
}

// watchdog is the loop's watchdog threshold in the checks. It decides
// nothing: what it reports is quoted when a check fails.
const watchdog = 200 * time.Millisecond

// start runs the handler newHandler makes, in mode, on a loop of its own
// and a free port; every "fib N" gets w as its work. The test's end stops
// it.
func start(t *testing.T, newHandler newHandlerFunc, mode int, w work.Work) *server {
	t.Helper()
	p, err := loop.NewPoller(backend())
	if err != nil {
		t.Fatal(err)
	}
	srv := steptest.NewServer(t, "")
	s := &server{Server: srv, idle: steptest.WatchIdle(p), seen: steptest.NewDetectors(srv.Report)}
	l, err := loop.New(loop.WithPoller(s.idle), loop.WithErrorHandler(s.seen.Handle), loop.WithWatchdog(steptest.Scale(watchdog)))
	if err != nil {
		p.Close()
		t.Fatal(err)
	}
	s.loop = l
	var handler lineserver.Handler
	newWork := func(string) (work.Work, error) { return w, nil }
	if problem := todo.Catch(func() { handler = newHandler(l, mode, newWork) }); problem != "" {
		l.Close()
		t.Fatalf("making the server: %s", problem)
	}
	ls, err := lineserver.Serve(l, "127.0.0.1:0", handler)
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	srv.Addr = ls.Addr()
	srv.OnState(steptest.LoopState(l))
	srv.OnStop(func() { l.CallSoonThreadSafe(ls.Close) }) // then Run returns: nothing left
	srv.Go("the loop's Run", func() error {
		defer l.Close()
		return l.Run()
	})
	return s
}

// testName names a mode's subtest: InSlices, OnWorker.
func testName(mode int) string {
	if mode == inSlices {
		return "InSlices"
	}
	return "OnWorker"
}

// hint points at the hints of the function that runs mode.
func hint(mode int) string {
	if mode == inSlices {
		return "tutorials/11-busy-cpu/hints.md#inslices-h1"
	}
	return "tutorials/11-busy-cpu/hints.md#onworker-h1"
}

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
		t.Log("stuck? tutorials/11-busy-cpu/hints.md quotes each check's message, with three hints per function")
	}
}
