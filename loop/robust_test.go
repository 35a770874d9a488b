package loop_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

// These tests hold the loop to its rules when user code misbehaves in ways
// the loop cannot prevent: an error handler that panics, a poller that
// panics, an fd number nobody could have.

func TestReadyQueueSurvivesAPanicThatEscapesRun(t *testing.T) {
	handlerPanics := true
	l, err := loop.New(loop.WithErrorHandler(func(error) {
		if handlerPanics {
			handlerPanics = false
			panic("the error handler itself panicked")
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// One ordinary iteration first, so that the loop has a spare queue.
	for range 10 {
		l.CallSoon(func() {})
	}
	if err := l.RunOnce(); err != nil {
		t.Fatal(err)
	}
	l.CallSoon(func() { panic("boom") })
	func() {
		defer func() { recover() }()
		l.Run()
	}()
	var ran []string
	l.CallSoon(func() {
		for _, name := range []string{"a", "b", "c"} {
			l.CallSoon(func() { ran = append(ran, name) })
		}
	})
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, ran); diff != "" {
		t.Errorf("callbacks queued by a callback after a panic escaped Run (-want +got):\n%s", diff)
	}
}

// panickingPoller panics in Wait, as a student's unfinished poller does.
type panickingPoller struct{ loop.Poller }

func (panickingPoller) Wait(time.Duration, []loop.Event) (int, error) { panic("TODO(step03): Wait") }

func TestPollerThatPanicsLeavesLoopClosable(t *testing.T) {
	before := countFDs(t)
	p, err := loop.NewPoller(loop.Backends()[0])
	if err != nil {
		t.Fatal(err)
	}
	l, err := loop.New(loop.WithPoller(panickingPoller{p}))
	if err != nil {
		t.Fatal(err)
	}
	l.CallLater(time.Hour, func() {})
	func() {
		defer func() { recover() }()
		l.Run()
	}()
	if err := l.Close(); err != nil {
		t.Errorf("Close after a poller panicked = %v, want nil", err)
	}
	if after := countFDs(t); after != before {
		t.Errorf("open fds: %d before the loop, %d after Close", before, after)
	}
}

func TestStopUsedUpByARunWithNothingToDo(t *testing.T) {
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	l.Stop()
	if err := l.Run(); err != nil { // nothing to do: returns at once
		t.Fatal(err)
	}
	fired := false
	l.CallLater(10*time.Millisecond, func() { fired = true })
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	if !fired {
		t.Error("a Stop called before an empty Run also ended the next Run early")
	}
}

func TestFDNoProcessCanHaveIsRefused(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		err := l.AddReader(1<<40, func() {})
		if err == nil || !strings.Contains(err.Error(), "1099511627776") {
			t.Errorf("AddReader(1<<40) = %v, want an error naming the fd", err)
		}
	})
}

func TestWatchdogThresholdBelowOneMillisecondIsRefused(t *testing.T) {
	if _, err := loop.New(loop.WithWatchdog(time.Nanosecond)); err == nil {
		t.Error("New(WithWatchdog(1ns)) = nil error, want one")
	}
}

func TestWatchdogGoroutineEndsWithRun(t *testing.T) {
	l, _ := testutil.NewLoop(t, loop.Backends()[0], loop.WithWatchdog(time.Second))
	before := runtime.NumGoroutine()
	for range 10 {
		l.CallSoon(func() {})
		if err := l.Run(); err != nil {
			t.Fatal(err)
		}
	}
	// The last watchdog goroutine has signalled that it returns, but may
	// not have finished returning: give it a few turns.
	after := runtime.NumGoroutine()
	for try := 0; after > before && try < 100; try++ {
		time.Sleep(time.Millisecond)
		after = runtime.NumGoroutine()
	}
	if after > before {
		t.Errorf("goroutines: %d before 10 Runs with the watchdog, %d after", before, after)
	}
}

func TestCallSoonThreadSafeRefusedOnceCloseIsAsked(t *testing.T) {
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	var err error
	l.CallSoon(func() {
		l.Close()
		err = l.CallSoonThreadSafe(func() {})
	})
	if runErr := l.Run(); runErr != nil {
		t.Fatal(runErr)
	}
	if !errors.Is(err, loop.ErrClosed) {
		t.Errorf("CallSoonThreadSafe after a callback called Close = %v, want ErrClosed: its callback would never run", err)
	}
}

func TestExitCheckPanicIsReported(t *testing.T) {
	l, log := testutil.NewLoop(t, loop.Backends()[0])
	l.AddExitCheck(func() error { panic("check panicked") })
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	var pe *loop.PanicError
	if errs := log.Take(); len(errs) != 1 || !errors.As(errs[0], &pe) {
		t.Errorf("errors reported = %v, want the exit check's panic", errs)
	}
}

// TestReadersRunInTheSameOrderEveryIteration: same events in, same order
// out, on every backend (poll once rebuilt its array from a Go map, whose
// order is random).
func TestReadersRunInTheSameOrderEveryIteration(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		var order []int
		for range 20 {
			r, w := pipe(t)
			if _, err := writeByte(w); err != nil {
				t.Fatal(err)
			}
			if err := l.AddReader(r, func() { order = append(order, r) }); err != nil {
				t.Fatal(err)
			}
		}
		l.RunOnce()
		first := order
		for i := range 10 {
			order = nil
			l.RunOnce()
			if diff := cmp.Diff(first, order); diff != "" {
				t.Fatalf("iteration %d ran the readers in another order (-first +now):\n%s", i+2, diff)
			}
		}
	})
}
