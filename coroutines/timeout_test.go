package coroutines

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// callOutcome is what a blocking call in a test returned, and when.
type callOutcome struct {
	Call string
	At   time.Duration // on the fake clock
	Err  string
}

// describe names err for an callOutcome: which timeout it was, or its text.
func describe(err error) string {
	var te *TimeoutError
	if errors.As(err, &te) {
		return fmt.Sprintf("timeout %v", te.Duration)
	}
	if err == nil {
		return "nil"
	}
	return err.Error()
}

func TestWithTimeoutCutsAParkedCallShort(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, clock, _ := newFakeHub(t, backend)
		var got []callOutcome
		var isTimeout, isOwn bool
		h.Spawn(func(ctx context.Context) error {
			tctx, cancel := WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			_, err := NewQueue[int](0).Get(tctx)
			got = append(got, callOutcome{"Get", since(h), describe(err)})
			isTimeout = errors.Is(err, ErrTimeout)
			isOwn = errors.Is(err, context.Cause(tctx))
			return nil
		})
		h.Loop().CallSoon(func() { go clock.Advance(50 * time.Millisecond) })
		mustRun(t, h)
		want := []callOutcome{{"Get", 50 * time.Millisecond, "timeout 50ms"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outcomes (-want +got):\n%s", diff)
		}
		if !isTimeout || !isOwn {
			t.Errorf("errors.Is(err, ErrTimeout) = %v, errors.Is(err, context.Cause(tctx)) = %v; want both true", isTimeout, isOwn)
		}
	})
}

// TestNestedTimeoutsFireInnerFirstThenOuter: the inner timeout (30 ms) cuts
// the first wait; the outer (100 ms) still applies to the next.
func TestNestedTimeoutsFireInnerFirstThenOuter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, clock, _ := newFakeHub(t, backend)
		var got []callOutcome
		moved := make(chan struct{}, 2)
		h.Spawn(func(ctx context.Context) error {
			var never Event
			outer, cancel := WithTimeout(ctx, 100*time.Millisecond)
			defer cancel()
			err := Timeout(outer, 30*time.Millisecond, func(inner context.Context) error {
				return never.Wait(inner)
			})
			got = append(got, callOutcome{"inner Wait", since(h), describe(err)})
			moved <- struct{}{}
			err = never.Wait(outer)
			got = append(got, callOutcome{"outer Wait", since(h), describe(err)})
			return nil
		})
		var advanced <-chan struct{}
		h.Loop().CallSoon(func() { advanced = advanceEach(clock, 30*time.Millisecond, 1, nil) })
		h.Loop().CallSoon(func() {
			go func() { <-advanced; <-moved; clock.Advance(70 * time.Millisecond) }()
		})
		mustRun(t, h)
		want := []callOutcome{
			{"inner Wait", 30 * time.Millisecond, "timeout 30ms"},
			{"outer Wait", 100 * time.Millisecond, "timeout 100ms"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outcomes (-want +got):\n%s", diff)
		}
	})
}

// TestOuterTimeoutFiringFirstCutsTheInnerWait: an outer 20 ms beats an
// inner 1 h, and the error is the outer's.
func TestOuterTimeoutFiringFirstCutsTheInnerWait(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, clock, _ := newFakeHub(t, backend)
		var got []callOutcome
		h.Spawn(func(ctx context.Context) error {
			return Timeout(ctx, 20*time.Millisecond, func(outer context.Context) error {
				err := Timeout(outer, time.Hour, func(inner context.Context) error {
					return Sleep(inner, 2*time.Hour)
				})
				got = append(got, callOutcome{"Sleep", since(h), describe(err)})
				return nil
			})
		})
		h.Loop().CallSoon(func() { go clock.Advance(20 * time.Millisecond) })
		mustRun(t, h)
		want := []callOutcome{{"Sleep", 20 * time.Millisecond, "timeout 20ms"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outcomes (-want +got):\n%s", diff)
		}
	})
}

// TestCancelledTimeoutLeavesNoTimer: on a fake clock a timer left behind
// would keep Run waiting for ever (and the watchdog would fail the test).
func TestCancelledTimeoutLeavesNoTimer(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _, _ := newFakeHub(t, backend)
		h.Spawn(func(ctx context.Context) error {
			return Timeout(ctx, time.Hour, func(ctx context.Context) error { return Sleep(ctx, 0) })
		})
		h.Spawn(func(ctx context.Context) error {
			_, cancel := WithTimeout(ctx, time.Hour)
			_ = cancel // forgotten: the coroutine's end stops the timer
			return nil
		})
		mustRun(t, h)
	})
}

func TestTimeoutThatDoesNotFireLetsTheCallSucceed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _, _ := newFakeHub(t, backend)
		var got []callOutcome
		q := NewQueue[string](0)
		h.Spawn(func(ctx context.Context) error {
			err := Timeout(ctx, time.Second, func(ctx context.Context) error {
				v, err := q.Get(ctx)
				got = append(got, callOutcome{"Get " + v, since(h), describe(err)})
				return err
			})
			got = append(got, callOutcome{"Timeout", since(h), describe(err)})
			return nil
		})
		h.Spawn(func(ctx context.Context) error { return q.Put(ctx, "x") })
		mustRun(t, h)
		want := []callOutcome{{"Get x", 0, "nil"}, {"Timeout", 0, "nil"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outcomes (-want +got):\n%s", diff)
		}
	})
}

// TestCancelOfAUserContextWakesTheParkedCoroutine covers contexts the kit
// did not make: context.WithCancel of a coroutine's context, cancelled by
// another coroutine. The wake-up comes through context.AfterFunc.
func TestCancelOfAUserContextWakesTheParkedCoroutine(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		var cancel context.CancelFunc
		h.Spawn(func(ctx context.Context) error {
			ctx, cancel = context.WithCancel(ctx)
			_, err := NewQueue[int](1).Get(ctx)
			got = append(got, fmt.Sprint("Get: ", err))
			return nil
		})
		h.Spawn(func(ctx context.Context) error {
			cancel()
			got = append(got, "cancelled")
			return nil
		})
		mustRun(t, h)
		want := []string{"cancelled", "Get: context canceled"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

// TestUserContextDerivedFromAKitTimeoutIsWokenByTheKit: the kit's timer
// cancels the WithTimeout context, which cancels the user's child at once,
// and the kit's interrupt finds it done.
func TestUserContextDerivedFromAKitTimeoutIsWokenByTheKit(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, clock, _ := newFakeHub(t, backend)
		var got []callOutcome
		h.Spawn(func(ctx context.Context) error {
			tctx, cancel := WithTimeout(ctx, 10*time.Millisecond)
			defer cancel()
			uctx, ucancel := context.WithCancel(tctx)
			defer ucancel()
			var never Event
			err := never.Wait(uctx)
			got = append(got, callOutcome{"Wait", since(h), describe(err)})
			return nil
		})
		h.Loop().CallSoon(func() { go clock.Advance(10 * time.Millisecond) })
		mustRun(t, h)
		want := []callOutcome{{"Wait", 10 * time.Millisecond, "timeout 10ms"}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outcomes (-want +got):\n%s", diff)
		}
	})
}

func TestTimeoutErrorSaysTimeout(t *testing.T) {
	var err error = &TimeoutError{Duration: 5}
	var te interface{ Timeout() bool }
	if !errors.As(err, &te) || !te.Timeout() || !errors.Is(err, ErrTimeout) {
		t.Errorf("*TimeoutError: Timeout() and errors.Is(ErrTimeout) should both be true")
	}
}
