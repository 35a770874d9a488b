package coroutines

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/loop"
)

func TestSpawnedCoroutinesStartInOrderAndAlternate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		for _, name := range []string{"a", "b", "c"} {
			h.Spawn(func(ctx context.Context) error {
				for i := 1; i <= 3; i++ {
					got = append(got, fmt.Sprint(name, i))
					if err := Sleep(ctx, 0); err != nil {
						return err
					}
				}
				return nil
			})
		}
		mustRun(t, h)
		want := []string{"a1", "b1", "c1", "a2", "b2", "c2", "a3", "b3", "c3"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("run order (-want +got):\n%s", diff)
		}
	})
}

func TestSpawnDoesNotRunTheCoroutineBeforeTheCallerParks(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		h.Spawn(func(ctx context.Context) error {
			got = append(got, "parent starts")
			Spawn(ctx, func(ctx context.Context) error {
				got = append(got, "child runs")
				return nil
			})
			got = append(got, "parent spawned")
			if err := Sleep(ctx, 0); err != nil {
				return err
			}
			got = append(got, "parent resumes")
			return nil
		})
		mustRun(t, h)
		want := []string{"parent starts", "parent spawned", "child runs", "parent resumes"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("run order (-want +got):\n%s", diff)
		}
	})
}

func TestSleepZeroGoesBehindCallbacksAlreadyReady(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		h.Spawn(func(ctx context.Context) error {
			h.Loop().CallSoon(func() { got = append(got, "callback") })
			got = append(got, "before yield")
			err := Sleep(ctx, 0)
			got = append(got, "after yield")
			return err
		})
		mustRun(t, h)
		want := []string{"before yield", "callback", "after yield"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("run order (-want +got):\n%s", diff)
		}
	})
}

// TestSleepWakesInDeadlineOrder advances a fake clock 10 ms at a time from
// another goroutine: each step must wake exactly the coroutine due then.
func TestSleepWakesInDeadlineOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, clock, _ := newFakeHub(t, backend)
		type wake struct {
			Name string
			At   time.Duration
		}
		var got []wake
		moved := make(chan struct{}, 3)
		for _, s := range []struct {
			name string
			d    time.Duration
		}{{"thirty", 30 * time.Millisecond}, {"ten", 10 * time.Millisecond}, {"twenty", 20 * time.Millisecond}} {
			h.Spawn(func(ctx context.Context) error {
				err := Sleep(ctx, s.d)
				got = append(got, wake{s.name, since(h)})
				moved <- struct{}{}
				return err
			})
		}
		var advanced <-chan struct{}
		// Queued after the three starts: by the time it runs, all sleep.
		h.Loop().CallSoon(func() { advanced = advanceEach(clock, 10*time.Millisecond, 3, moved) })
		mustRun(t, h)
		<-advanced
		want := []wake{{"ten", 10 * time.Millisecond}, {"twenty", 20 * time.Millisecond}, {"thirty", 30 * time.Millisecond}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("wake-ups (-want +got):\n%s", diff)
		}
	})
}

func TestSpawnLaterStartsAfterTheDelay(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, clock, _ := newFakeHub(t, backend)
		var got []time.Duration
		h.Spawn(func(ctx context.Context) error {
			SpawnLater(ctx, 50*time.Millisecond, func(ctx context.Context) error {
				got = append(got, since(h))
				return nil
			})
			clock.Advance(50 * time.Millisecond) // from the loop's side: wakes nothing yet
			return nil
		})
		mustRun(t, h)
		if diff := cmp.Diff([]time.Duration{50 * time.Millisecond}, got); diff != "" {
			t.Errorf("start times (-want +got):\n%s", diff)
		}
	})
}

func TestSpawnValueKeepsTheResult(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		h.Spawn(func(ctx context.Context) error {
			ok := SpawnValue(ctx, func(ctx context.Context) (int, error) {
				return 42, Sleep(ctx, 0)
			})
			bad := SpawnValue(ctx, func(ctx context.Context) (string, error) {
				return "partial", errors.New("boom")
			})
			v, err := ok.Get(ctx)
			got = append(got, fmt.Sprintf("%v %v", v, err))
			s, err := bad.Get(ctx)
			got = append(got, fmt.Sprintf("%v %v", s, err))
			v, err = ok.Result()
			got = append(got, fmt.Sprintf("%v %v", v, err))
			return nil
		})
		mustRun(t, h)
		want := []string{"42 <nil>", "partial boom", "42 <nil>"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
	})
}

func TestLinkRunsOnTheLoopWhenTheCoroutineFinishes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		co := h.Spawn(func(ctx context.Context) error {
			got = append(got, "coroutine")
			return errors.New("done badly")
		})
		co.SetName("worker")
		co.Link(func(c *Coroutine) { got = append(got, "link 1: "+c.Name()+": "+c.Err().Error()) })
		co.Link(func(c *Coroutine) {
			got = append(got, "link 2")
			c.Link(func(*Coroutine) { got = append(got, "late link") })
		})
		mustRun(t, h)
		want := []string{"coroutine", "link 1: worker: done badly", "link 2", "late link"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("calls (-want +got):\n%s", diff)
		}
	})
}

func TestRunUntilReturnsTheCoroutinesError(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		want := errors.New("main failed")
		forever := h.Spawn(func(ctx context.Context) error { return Sleep(ctx, time.Hour) })
		main := h.Spawn(func(ctx context.Context) error { return want })
		if err := h.RunUntil(main); err != want {
			t.Errorf("RunUntil(main) = %v, want %v", err, want)
		}
		if forever.Done() {
			t.Errorf("the sleeping coroutine finished; RunUntil should have stopped the loop first")
		}
	})
}

func TestPanicReachesTheErrorHandlerAndOthersGoOn(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, log := newHub(t, backend)
		var got []string
		bad := h.Spawn(func(ctx context.Context) error {
			got = append(got, "bad runs")
			panicInCoroutine()
			return nil
		})
		h.Spawn(func(ctx context.Context) error {
			for i := range 2 {
				got = append(got, fmt.Sprint("good ", i))
				if err := Sleep(ctx, 0); err != nil {
					return err
				}
			}
			return nil
		})
		mustRun(t, h)
		want := []string{"bad runs", "good 0", "good 1"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("run order (-want +got):\n%s", diff)
		}
		errs := log.Take()
		if len(errs) != 1 {
			t.Fatalf("error handler got %d errors, want 1: %v", len(errs), errs)
		}
		var pe *loop.PanicError
		if !errors.As(errs[0], &pe) || pe.Value != "kaboom" {
			t.Fatalf("error handler got %v, want a *loop.PanicError of \"kaboom\"", errs[0])
		}
		if !strings.Contains(string(pe.Stack), "panicInCoroutine") {
			t.Errorf("the panic's stack does not name the function that panicked:\n%s", pe.Stack)
		}
		if bad.Err() != error(pe) {
			t.Errorf("Err() of the coroutine that panicked = %v, want the *loop.PanicError", bad.Err())
		}
	})
}

func panicInCoroutine() { panic("kaboom") }

func TestBlockingCallOutsideACoroutineNamesTheCall(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		q := NewQueue[int](0)
		_, err := q.Get(context.Background())
		got := []string{err.Error()}
		var other context.Context
		first := h.Spawn(func(ctx context.Context) error { other = ctx; return Sleep(ctx, time.Millisecond) })
		first.SetName("first")
		h.Spawn(func(ctx context.Context) error {
			Current(ctx).SetName("second")
			got = append(got, Sleep(other, 0).Error())
			if !errors.Is(q.Put(other, 1), ErrOutsideCoroutine) {
				got = append(got, "Put with another's context: not ErrOutsideCoroutine")
			}
			return nil
		})
		mustRun(t, h)
		got = append(got, Sleep(other, 0).Error())
		want := []string{
			"coroutines: Queue.Get called outside a coroutine",
			"coroutines: Sleep called with the context of first, from second",
			"coroutines: Sleep called with the context of first, which is not running",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("errors (-want +got):\n%s", diff)
		}
	})
}
