package loop_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// A call is one call of a periodic timer's function: when, on the fake
// clock (since the start), and the beats it was told.
type call struct {
	At    time.Duration
	Beats int
}

// newFakeLoop returns a loop on backend whose clock is a fake that starts
// at the Unix epoch.
func newFakeLoop(t *testing.T, backend string) (*loop.Loop, *testutil.ErrorLog, *timers.Fake) {
	t.Helper()
	fake := timers.NewFake(time.Unix(0, 0))
	l, log := testutil.NewLoop(t, backend, loop.WithClock(fake))
	return l, log, fake
}

// step advances the fake clock by d and runs one iteration: the Advance
// wakes the loop, so RunOnce never waits, whether a beat is due or not.
func step(t *testing.T, l *loop.Loop, fake *timers.Fake, d time.Duration) {
	t.Helper()
	fake.Advance(d)
	if err := l.RunOnce(); err != nil {
		t.Fatalf("RunOnce: %v", err)
	}
}

func TestPeriodicKeepsTheGridAndSkipsMissedBeats(t *testing.T) {
	const period = time.Second
	// Each advance of the clock is followed by one iteration of the loop.
	advances := []time.Duration{
		1 * time.Second,         // 1s: on time
		1500 * time.Millisecond, // 2.5s: the beat of 2s runs half a period late
		500 * time.Millisecond,  // 3s: the next beat is still at 3s, not at 3.5s
		3500 * time.Millisecond, // 6.5s: the beats of 4s, 5s and 6s, in one call
		400 * time.Millisecond,  // 6.9s: nothing is due
		100 * time.Millisecond,  // 7s: back on the grid
	}
	want := []call{{1 * time.Second, 1}, {2500 * time.Millisecond, 1}, {3 * time.Second, 1},
		{6500 * time.Millisecond, 3}, {7 * time.Second, 1}}
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _, fake := newFakeLoop(t, backend)
		start := l.Now()
		var got []call
		p := l.CallEvery(period, func(beats int) { got = append(got, call{l.Now().Sub(start), beats}) })
		for _, d := range advances {
			step(t, l, fake, d)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("calls of CallEvery(%v) (-want +got):\n%s", period, diff)
		}
		if nextAt := l.State().Timers; len(nextAt) != 1 || nextAt[0].Sub(start) != 8*time.Second {
			t.Errorf("pending timers after the calls: %v, want one, at start+8s", nextAt)
		}
		if !p.Stop() {
			t.Error("Stop of a running periodic timer = false, want true")
		}
		if n := len(l.State().Timers); n != 0 {
			t.Errorf("pending timers after Stop: %d, want 0", n)
		}
	})
}

func TestPeriodicKeepsRunRunningUntilStoppedFromItsOwnCall(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		calls := 0
		var p *loop.Periodic
		p = l.CallEvery(time.Millisecond, func(int) {
			calls++
			if calls == 3 && !p.Stop() {
				t.Error("Stop from the timer's own call = false, want true")
			}
		})
		testutil.Run(t, l, 10*time.Second) // returns only once nothing is pending
		if calls != 3 {
			t.Errorf("Run returned after %d calls, want 3: the periodic timer must keep it running until stopped", calls)
		}
		if p.Stop() {
			t.Error("Stop after Stop = true, want false")
		}
	})
}

func TestPeriodicStoppedByAnEarlierCallbackOfTheIterationNeverRuns(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _, fake := newFakeLoop(t, backend)
		var got []string
		var b *loop.Periodic
		a := l.CallEvery(time.Second, func(int) { got = append(got, "a"); b.Stop() })
		b = l.CallEvery(time.Second, func(int) { got = append(got, "b") })
		step(t, l, fake, time.Second) // both due: a runs first, and stops b
		step(t, l, fake, time.Second)
		a.Stop()
		if diff := cmp.Diff([]string{"a", "a"}, got); diff != "" {
			t.Errorf("calls (-want +got):\n%s", diff)
		}
	})
}

func TestPeriodicGoesOnAfterAPanicWhichIsReported(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, log, fake := newFakeLoop(t, backend)
		calls := 0
		p := l.CallEvery(time.Second, func(int) {
			calls++
			if calls == 1 {
				panic("first beat")
			}
		})
		defer p.Stop()
		step(t, l, fake, time.Second)
		step(t, l, fake, time.Second)
		if calls != 2 {
			t.Errorf("calls = %d after two beats, the first of which panicked; want 2", calls)
		}
		errs := log.Take()
		var pe *loop.PanicError
		if len(errs) != 1 || !errors.As(errs[0], &pe) || pe.Value != "first beat" {
			t.Errorf("errors reported = %v, want one PanicError of the first beat", errs)
		}
	})
}

func TestCallEveryRefusesBadInputWithAnErrorThatNamesIt(t *testing.T) {
	tests := []struct {
		name    string
		period  time.Duration
		fn      func(int)
		closed  bool
		wantErr string
	}{
		{"zero period", 0, func(int) {}, false, "CallEvery(0s): the period must be positive"},
		{"negative period", -time.Second, func(int) {}, false, "CallEvery(-1s): the period must be positive"},
		{"nil callback", time.Second, nil, false, "CallEvery(1s): nil callback"},
		{"closed loop", time.Second, func(int) {}, true, "CallEvery: " + loop.ErrClosed.Error()},
	}
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				l, log := testutil.NewLoop(t, backend)
				if tt.closed {
					l.Close()
				}
				p := l.CallEvery(tt.period, tt.fn)
				if p != nil || p.Stop() {
					t.Errorf("CallEvery returned %v, whose Stop reports true; want nil, whose Stop reports false", p)
				}
				errs := log.Take()
				if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.wantErr) {
					t.Errorf("errors reported = %v, want one containing %q", errs, tt.wantErr)
				}
			})
		}
	})
}

// ExampleLoop_CallEvery ticks every second on a fake clock, which the
// example moves to each deadline in turn. The tick of 2s hogs the loop for
// 2.5 seconds: the tick of 3s runs at 4.5s and stands for 2 beats (3s and
// 4s, which is skipped), and the next is back on the grid, at 5s (libuv's
// repeat would run it at 5.5s).
func ExampleLoop_CallEvery() {
	fake := timers.NewFake(time.Unix(0, 0).UTC())
	l, _ := loop.New(loop.WithClock(fake))
	defer l.Close()
	var tick *loop.Periodic
	tick = l.CallEvery(time.Second, func(beats int) {
		fmt.Printf("at %s: %d beat(s)\n", l.Now().Format("05.0s"), beats)
		switch l.Now().Second() {
		case 2:
			fake.Advance(2500 * time.Millisecond) // a callback that takes 2.5s
		case 5:
			tick.Stop()
		}
	})
	for next := l.State().Timers; next != nil; next = l.State().Timers {
		fake.Advance(next[0].Sub(l.Now())) // a deadline already past: no move
		l.RunOnce()
	}
	// Output:
	// at 01.0s: 1 beat(s)
	// at 02.0s: 1 beat(s)
	// at 04.5s: 2 beat(s)
	// at 05.0s: 1 beat(s)
}
