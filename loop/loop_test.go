package loop_test

import (
	"errors"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
	"golang.org/x/sys/unix"
)

// pipe returns a non-blocking pipe closed when the test ends.
func pipe(t *testing.T) (r, w int) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	for _, fd := range p {
		unix.SetNonblock(fd, true)
	}
	t.Cleanup(func() { unix.Close(p[0]); unix.Close(p[1]) })
	return p[0], p[1]
}

// runWithin runs the loop on a goroutine of its own and fails the test if
// Run has not returned within d.
func runWithin(t *testing.T, l *loop.Loop, d time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- l.Run() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("Run did not return within %v", d)
		return nil
	}
}

func TestPanicReachesErrorHandlerWithStack(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, log := testutil.NewLoop(t, backend)
		ran := false
		l.CallSoon(func() { panic(errors.New("boom")) })
		l.CallSoon(func() { ran = true })
		if err := l.Run(); err != nil {
			t.Fatalf("Run() = %v", err)
		}
		if !ran {
			t.Error("the callback after the one that panicked did not run")
		}
		errs := log.Take()
		var pe *loop.PanicError
		if len(errs) != 1 || !errors.As(errs[0], &pe) {
			t.Fatalf("errors reported = %v, want one *loop.PanicError", errs)
		}
		if pe.Value.(error).Error() != "boom" || !strings.Contains(string(pe.Stack), "loop_test.go") {
			t.Errorf("PanicError = %v with stack\n%s\nwant the value boom and a stack through loop_test.go", pe.Value, pe.Stack)
		}
	})
}

// signalingPoller tells the test when the loop has entered Wait.
type signalingPoller struct {
	loop.Poller
	entered chan struct{}
	once    sync.Once
}

func (p *signalingPoller) Wait(timeout time.Duration, ready []loop.Event) (int, error) {
	if timeout < 0 {
		p.once.Do(func() { close(p.entered) })
	}
	return p.Poller.Wait(timeout, ready)
}

func TestWrongGoroutineIsReported(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		p, err := loop.NewPoller(backend)
		if err != nil {
			t.Fatal(err)
		}
		sp := &signalingPoller{Poller: p, entered: make(chan struct{})}
		l, log := testutil.NewLoop(t, backend, loop.WithPoller(sp))
		r, _ := pipe(t)
		if err := l.AddReader(r, func() {}); err != nil {
			t.Fatal(err)
		}
		ranSoon := make(chan bool, 1)
		go func() {
			<-sp.entered
			addErr := l.AddReader(r, func() {})
			var wg *loop.WrongGoroutineError
			if !errors.As(addErr, &wg) || wg.Method != "AddReader" {
				t.Errorf("AddReader from another goroutine while the loop polls = %v, want a *WrongGoroutineError for AddReader", addErr)
			}
			// CallSoon is reported too, and its callback still runs.
			l.CallSoon(func() { ranSoon <- true; l.RemoveReader(r) })
		}()
		if err := runWithin(t, l, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		if len(ranSoon) != 1 {
			t.Error("the callback given to CallSoon from another goroutine never ran")
		}
		var methods []string
		for _, err := range log.Take() {
			var wg *loop.WrongGoroutineError
			if errors.As(err, &wg) {
				methods = append(methods, wg.Method)
			}
		}
		if diff := cmp.Diff([]string{"AddReader", "CallSoon"}, methods); diff != "" {
			t.Errorf("wrong-goroutine reports (-want +got):\n%s", diff)
		}
	})
}

func TestCallsAfterCloseReportErrClosed(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, log := testutil.NewLoop(t, backend)
		r, _ := pipe(t)
		if err := l.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		checks := []struct {
			call string
			err  error
		}{
			{"AddReader", l.AddReader(r, func() {})},
			{"AddWriter", l.AddWriter(r, func() {})},
			{"Run", l.Run()},
			{"RunOnce", l.RunOnce()},
			{"CallSoonThreadSafe", l.CallSoonThreadSafe(func() {})},
			{"Close", l.Close()},
		}
		for _, c := range checks {
			if !errors.Is(c.err, loop.ErrClosed) {
				t.Errorf("%s after Close = %v, want an error wrapping loop.ErrClosed", c.call, c.err)
			}
		}
		l.CallSoon(func() {})
		if timer := l.CallLater(time.Second, func() {}); timer != nil {
			t.Errorf("CallLater after Close returned a timer, want nil")
		}
		errs := log.Take()
		if len(errs) != 2 || !errors.Is(errs[0], loop.ErrClosed) || !errors.Is(errs[1], loop.ErrClosed) {
			t.Errorf("errors reported by CallSoon and CallLater after Close = %v, want two wrapping loop.ErrClosed", errs)
		}
	})
}

func TestCloseFromCallbackStopsThenCloses(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		r, _ := pipe(t)
		l.AddReader(r, func() {})
		l.CallSoon(func() {
			if err := l.Close(); err != nil {
				t.Errorf("Close() from a callback = %v, want nil", err)
			}
		})
		if err := runWithin(t, l, 10*time.Second); err != nil {
			t.Fatalf("Run() = %v, want nil", err)
		}
		if err := l.RunOnce(); !errors.Is(err, loop.ErrClosed) {
			t.Errorf("RunOnce after Run returned = %v, want ErrClosed", err)
		}
	})
}

func TestRunTwiceIsAnError(t *testing.T) {
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	var inner error
	l.CallSoon(func() { inner = l.Run() })
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	if !errors.Is(inner, loop.ErrRunning) {
		t.Errorf("Run from a callback = %v, want ErrRunning", inner)
	}
}

func TestSelectRefusesFDAtOrAboveFDSetSize(t *testing.T) {
	l, _ := testutil.NewLoop(t, "select")
	err := l.AddReader(5000, func() {})
	if err == nil || !strings.Contains(err.Error(), "FD_SETSIZE") || !strings.Contains(err.Error(), "5000") {
		t.Errorf("AddReader(5000) on select = %v, want an error naming fd 5000 and FD_SETSIZE", err)
	}
}

func TestAddReaderOfRegularFileIsAnError(t *testing.T) {
	// epoll cannot watch regular files (EPERM): the error comes back from
	// AddReader, and the failed waiter is not kept.
	f, err := os.CreateTemp(t.TempDir(), "regular")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, _ := testutil.NewLoop(t, "epoll")
	if err := l.AddReader(int(f.Fd()), func() {}); err == nil {
		t.Fatal("AddReader of a regular file on epoll = nil, want an error")
	}
	if l.RemoveReader(int(f.Fd())) {
		t.Error("RemoveReader after a failed AddReader = true, want false: the waiter must not be kept")
	}
}

func TestUnknownBackendListsChoices(t *testing.T) {
	_, err := loop.New(loop.WithBackend("iouring"))
	if err == nil {
		t.Fatal("New(WithBackend(\"iouring\")) = nil error")
	}
	for _, b := range loop.Backends() {
		if !strings.Contains(err.Error(), b) {
			t.Errorf("error %q does not list backend %q", err, b)
		}
	}
}

func TestFakeClockAdvanceWakesLoop(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		fake := timers.NewFake(time.Unix(0, 0))
		l, _ := testutil.NewLoop(t, backend, loop.WithClock(fake))
		var firedAt time.Time
		l.CallLater(time.Hour, func() { firedAt = l.Now() })
		go fake.Advance(time.Hour)
		if err := runWithin(t, l, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		if want := time.Unix(0, 0).Add(time.Hour); !firedAt.Equal(want) {
			t.Errorf("timer fired at %v on the fake clock, want %v", firedAt, want)
		}
	})
}

func TestHoldKeepsRunUntilReleased(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		release := l.Hold()
		ran := false
		go func() {
			l.CallSoonThreadSafe(func() { ran = true })
			release()
			release() // idempotent
		}()
		if err := runWithin(t, l, 10*time.Second); err != nil {
			t.Fatal(err)
		}
		if !ran {
			t.Error("Run returned before running the callback queued while held")
		}
	})
}

func TestExitCheckErrorIsRunsResult(t *testing.T) {
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	want := errors.New("still parked")
	l.AddExitCheck(func() error { return want })
	if err := l.Run(); !errors.Is(err, want) {
		t.Errorf("Run() = %v, want the exit check's error", err)
	}
}

func TestNoFDOrGoroutineLeaks(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		fdsBefore, goroutinesBefore := countFDs(t), runtime.NumGoroutine()
		for range 20 {
			l, err := loop.New(loop.WithBackend(backend))
			if err != nil {
				t.Fatal(err)
			}
			l.CallLater(time.Millisecond, func() {})
			go l.CallSoonThreadSafe(func() {})
			if err := l.Run(); err != nil {
				t.Fatal(err)
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
		}
		if after := countFDs(t); after != fdsBefore {
			t.Errorf("open fds: %d before 20 loops, %d after", fdsBefore, after)
		}
		if !settles(func() bool { return runtime.NumGoroutine() <= goroutinesBefore }) {
			t.Errorf("goroutines: %d before 20 loops, %d after", goroutinesBefore, runtime.NumGoroutine())
		}
	})
}

func countFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("cannot count fds here: no /proc/self/fd")
	}
	return len(entries)
}

// settles waits up to a second for cond, which goroutines that are
// finishing make true.
func settles(cond func() bool) bool {
	for range 100 {
		if cond() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cond()
}

func TestStateShowsWaitersTimersAndReadyQueue(t *testing.T) {
	fake := timers.NewFake(time.Unix(0, 0))
	l, _ := testutil.NewLoop(t, loop.Backends()[0], loop.WithClock(fake))
	r, w := pipe(t)
	l.AddReader(r, func() {})
	l.AddWriter(w, func() {})
	l.CallLater(2*time.Second, func() {})
	l.CallLater(time.Second, func() {})
	l.CallSoon(func() {})
	want := loop.State{
		Readers: []int{r},
		Writers: []int{w},
		Timers:  []time.Time{time.Unix(1, 0), time.Unix(2, 0)},
		Ready:   1,
		Now:     time.Unix(0, 0),
	}
	if diff := cmp.Diff(want, l.State()); diff != "" {
		t.Errorf("State() (-want +got):\n%s", diff)
	}
}

func TestExitCheckThatQueuesWorkKeepsRunGoing(t *testing.T) {
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	ran := false
	l.AddExitCheck(func() error {
		if !ran {
			l.CallSoon(func() { ran = true })
		}
		return nil
	})
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	if !ran {
		t.Error("Run returned without running the callback an exit check queued")
	}
}

func writeByte(fd int) (int, error) { return unix.Write(fd, []byte{'x'}) }
