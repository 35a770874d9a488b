package testutil

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

// A fakeTB records the failures and cleanups of the helper under test,
// so that a test can check that the helper fails when it should.
type fakeTB struct {
	testing.TB // the real test, for the methods not overridden

	mu       sync.Mutex // guards errors: the watchdog reports from its goroutine
	errors   []string
	cleanups []func()
}

func (f *fakeTB) Helper()             {}
func (f *fakeTB) Logf(string, ...any) {}
func (f *fakeTB) Cleanup(fn func())   { f.cleanups = append(f.cleanups, fn) }

func (f *fakeTB) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// runCleanups runs the cleanups last-in, first-out, as testing does.
func (f *fakeTB) runCleanups() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// TestCheckFDsFindsALeak opens a pipe and does not close it: the check
// fails and names the pipe. Closed, the same pipe passes.
func TestCheckFDsFindsALeak(t *testing.T) {
	t.Setenv("LOOPKIT_TIME_SCALE", "0.1") // the check waits a second, scaled
	for _, closeIt := range []bool{false, true} {
		fake := &fakeTB{TB: t}
		CheckFDs(fake)
		var p [2]int
		if err := unix.Pipe(p[:]); err != nil {
			t.Fatal(err)
		}
		if closeIt {
			unix.Close(p[0])
			unix.Close(p[1])
		}
		fake.runCleanups()
		if !closeIt {
			unix.Close(p[0])
			unix.Close(p[1])
		}
		leaked := len(fake.errors) == 1 && strings.Contains(fake.errors[0], "pipe")
		if leaked == closeIt {
			t.Errorf("pipe closed: %v; CheckFDs reported %q", closeIt, fake.errors)
		}
	}
}

// TestRunStopsAHungLoop runs a loop that would wait for ever: the watchdog
// fails the test with a message and stops the loop, so Run returns.
func TestRunStopsAHungLoop(t *testing.T) {
	ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := NewLoop(t, backend)
		release := l.Hold() // nothing releases it in time: Run would block for ever
		defer release()
		fake := &fakeTB{TB: t}
		start := time.Now()
		Run(fake, l, 50*time.Millisecond)
		if elapsed := time.Since(start); elapsed > Scale(5*time.Second) {
			t.Errorf("Run returned after %v", elapsed)
		}
		want := fmt.Sprintf("loop still running after %v", Scale(50*time.Millisecond))
		if len(fake.errors) != 1 || !strings.Contains(fake.errors[0], want) {
			t.Errorf("the watchdog reported %q, want one error saying %q", fake.errors, want)
		}
	})
}

// TestErrorLogFailsOnUntakenErrors: an error the loop reports fails the
// test unless the test takes it.
func TestErrorLogFailsOnUntakenErrors(t *testing.T) {
	ForEachBackend(t, func(t *testing.T, backend string) {
		for _, take := range []bool{false, true} {
			fake := &fakeTB{TB: t}
			l, log := NewLoop(fake, backend)
			l.ReportError(fmt.Errorf("something broke"))
			if take {
				if diff := cmp.Diff([]string{"something broke"}, errorStrings(log.Take())); diff != "" {
					t.Errorf("Take (-want +got):\n%s", diff)
				}
			}
			fake.runCleanups()
			if failed := len(fake.errors) > 0; failed == take {
				t.Errorf("error taken: %v; the test's failures: %q", take, fake.errors)
			}
		}
	})
}

func errorStrings(errs []error) []string {
	var s []string
	for _, err := range errs {
		s = append(s, err.Error())
	}
	return s
}

// TestScale multiplies by LOOPKIT_TIME_SCALE, and ignores nonsense.
func TestScale(t *testing.T) {
	tests := []struct {
		env  string
		want time.Duration
	}{
		{"", time.Second},
		{"1", time.Second},
		{"2.5", 2500 * time.Millisecond},
		{"zero", time.Second},
		{"-1", time.Second},
	}
	for _, tt := range tests {
		t.Setenv("LOOPKIT_TIME_SCALE", tt.env)
		if diff := cmp.Diff(tt.want, Scale(time.Second)); diff != "" {
			t.Errorf("LOOPKIT_TIME_SCALE=%q: Scale(1s) (-want +got):\n%s", tt.env, diff)
		}
	}
}
