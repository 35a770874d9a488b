package coroutines

import (
	"runtime"
	"testing"
	"time"

	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// forEachBackend runs test once per backend of this OS (or the one
// LOOPKIT_BACKEND names), as a subtest that checks it leaked no fd.
func forEachBackend(t *testing.T, test func(t *testing.T, backend string)) {
	t.Helper()
	testutil.ForEachBackend(t, test)
}

// epoch is where the fake clocks of the tests start.
var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// newHub returns a hub on a new loop on backend. Errors the loop reports
// go to the returned log, and any the test has not taken when it ends
// fail it. When the test ends, the hub and the loop are closed and the
// test fails if goroutines were left behind.
func newHub(t *testing.T, backend string, opts ...loop.Option) (*Hub, *testutil.ErrorLog) {
	t.Helper()
	checkNoGoroutineLeak(t)
	l, log := testutil.NewLoop(t, backend, opts...)
	h := NewHub(l)
	t.Cleanup(func() {
		if err := h.Close(); err != nil {
			t.Errorf("Hub.Close() = %v", err)
		}
	})
	return h, log
}

// newFakeHub is newHub on a fake clock, which it returns too.
func newFakeHub(t *testing.T, backend string) (*Hub, *timers.Fake, *testutil.ErrorLog) {
	t.Helper()
	clock := timers.NewFake(epoch)
	h, log := newHub(t, backend, loop.WithClock(clock))
	return h, clock, log
}

// since returns how much fake time has passed on h's loop.
func since(h *Hub) time.Duration { return h.Loop().Now().Sub(epoch) }

// run runs h's loop (Hub.Run) on the test goroutine and returns its
// error. A watchdog turns a hang into a failure: past the bound it stops
// the loop.
func run(t *testing.T, h *Hub) error {
	t.Helper()
	limit := testutil.Scale(10 * time.Second)
	returned := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-returned:
		case <-time.After(limit):
			t.Errorf("Hub.Run still running after %v: the test hung; stopping the loop", limit)
			h.Loop().CallSoonThreadSafe(h.Loop().Stop)
		}
	}()
	err := h.Run()
	close(returned)
	<-watched
	return err
}

// mustRun is run, failing the test if Run returns an error.
func mustRun(t *testing.T, h *Hub) {
	t.Helper()
	if err := run(t, h); err != nil {
		t.Fatalf("Hub.Run() = %v", err)
	}
}

// checkNoGoroutineLeak fails the test, when it ends, if more goroutines
// run than when it began, once they had a moment to return.
func checkNoGoroutineLeak(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		t.Helper()
		var now int
		for range 200 {
			if now = runtime.NumGoroutine(); now <= before {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		buf := make([]byte, 1<<16)
		buf = buf[:runtime.Stack(buf, true)]
		t.Errorf("%d goroutines before the test, %d after:\n%s", before, now, buf)
	})
}

// advanceEach advances clock by step, times times, from a goroutine of its
// own (as a test's clock would move), waiting for a signal on moved before
// each step after the first, so that each step's wake-ups have run. It
// returns a channel closed when it is done.
func advanceEach(clock *timers.Fake, step time.Duration, times int, moved <-chan struct{}) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range times {
			if i > 0 {
				<-moved
			}
			clock.Advance(step)
		}
	}()
	return done
}

// newSteppingHub is newHub on a fake clock that moves by step each time
// the loop is about to block in poll: whenever every coroutine waits and
// nothing else is ready, time jumps ahead. Tests of timeouts then read like
// a timetable, and come out the same on every run.
func newSteppingHub(t *testing.T, backend string, step time.Duration) *Hub {
	t.Helper()
	clock := timers.NewFake(epoch)
	h, _ := newHub(t, backend, loop.WithClock(clock), loop.WithObserver(&stepper{clock: clock, step: step}))
	return h
}

// A stepper is the observer of newSteppingHub.
type stepper struct {
	loop.NopObserver
	clock *timers.Fake
	step  time.Duration
}

// PollStarted moves the clock if poll is about to block for ever (with a
// fake clock the loop never sleeps until a deadline): the move wakes the
// poll at once.
func (s *stepper) PollStarted(timeout time.Duration) {
	if timeout < 0 {
		s.clock.Advance(s.step)
	}
}
