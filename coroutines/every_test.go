package coroutines

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
)

// A beat is one call of Every's fn: when, on the fake clock, and the beats
// it was told.
type beat struct {
	At    time.Duration
	Beats int
}

// TestEveryKeepsTheGridAndSkipsMissedBeats runs Every on a fake clock that
// the test moves to each deadline in turn. The call of 2s takes 2.5s: the
// beat of 3s runs at 4.5s and stands for 2 beats (3s and 4s), and the next
// is back on the grid, at 5s; then fn stops the ticking.
func TestEveryKeepsTheGridAndSkipsMissedBeats(t *testing.T) {
	errStop := errors.New("stop")
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		h, clock, _ := newFakeHub(t, backend)
		var got []beat
		var result error
		co := h.Spawn(func(ctx context.Context) error {
			result = Every(ctx, time.Second, func(beats int) error {
				got = append(got, beat{since(h), beats})
				switch since(h) {
				case 2 * time.Second:
					clock.Advance(2500 * time.Millisecond) // a call that takes 2.5s
				case 5 * time.Second:
					return errStop
				}
				return nil
			})
			return nil
		})
		l := h.Loop()
		for i := 0; i < 100 && !co.Done(); i++ {
			s := l.State()
			if s.Ready == 0 && len(s.Timers) == 0 {
				t.Fatalf("Every's coroutine is neither ready nor waiting for a timer: %+v", s)
			}
			if len(s.Timers) > 0 {
				clock.Advance(s.Timers[0].Sub(l.Now())) // a deadline already past: no move
			}
			if err := l.RunOnce(); err != nil {
				t.Fatal(err)
			}
		}
		want := []beat{{1 * time.Second, 1}, {2 * time.Second, 1}, {4500 * time.Millisecond, 2}, {5 * time.Second, 1}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("calls of Every's fn (-want +got):\n%s", diff)
		}
		if !errors.Is(result, errStop) {
			t.Errorf("Every returned %v, want fn's error %v", result, errStop)
		}
	})
}

// TestEveryRefusesAPeriodThatIsNotPositiveAndEndsWhenKilled: a period of 0
// is an error that names it, and a coroutine killed by its own fn leaves
// Every at its next sleep.
func TestEveryRefusesAPeriodThatIsNotPositiveAndEndsWhenKilled(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var refused, killed error
		calls := 0
		var ticker *Coroutine
		ticker = h.Spawn(func(ctx context.Context) error {
			refused = Every(ctx, 0, func(int) error { return nil })
			killed = Every(ctx, time.Millisecond, func(int) error {
				if calls++; calls == 3 {
					ticker.Kill()
				}
				return nil
			})
			return nil
		})
		mustRun(t, h)
		if refused == nil || !strings.Contains(refused.Error(), "Every(0s): the period must be positive") {
			t.Errorf("Every with period 0 = %v, want an error that names the period", refused)
		}
		if killed == nil || calls != 3 {
			t.Errorf("Every killed at its third call: returned %v after %d calls; want an error after 3", killed, calls)
		}
	})
}
