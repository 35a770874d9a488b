package coroutines

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
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
		if msg, _, _ := strings.Cut(pe.Error(), "\n"); msg != "loop: coroutine coroutine-1 panicked: kaboom" {
			t.Errorf("the report says %q, want it to name the coroutine", msg)
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

// TestAFailureNobodyTookIsReported: a coroutine's error goes to the loop's
// error handler, naming the coroutine, unless a Join, JoinAll, Link, Group
// or Get was waiting for it when it ended. Being killed is no failure.
func TestAFailureNobodyTookIsReported(t *testing.T) {
	errLost := errors.New("lost")
	failing := func(ctx context.Context) error {
		if err := Sleep(ctx, 0); err != nil {
			return err
		}
		return errLost
	}
	tests := []struct {
		name string
		take func(ctx context.Context, co *Coroutine) // called by a coroutine right after co is spawned
		want []string
	}{
		{"nobody", func(context.Context, *Coroutine) {}, []string{"coroutines: failing failed, and no Join, Link or Group took its error: lost"}},
		{"Join", func(ctx context.Context, co *Coroutine) { co.Join(ctx) }, nil},
		{"JoinAll", func(ctx context.Context, co *Coroutine) { JoinAll(ctx, co) }, nil},
		{"Link", func(ctx context.Context, co *Coroutine) { co.Link(func(*Coroutine) {}) }, nil},
		{"Group", func(ctx context.Context, co *Coroutine) { new(Group).Add(co) }, nil},
		{"Kill", func(ctx context.Context, co *Coroutine) { co.Kill() }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, log := newHub(t, loop.Backends()[0])
			h.Spawn(func(ctx context.Context) error {
				co := Spawn(ctx, failing)
				co.SetName("failing")
				tt.take(ctx, co)
				return nil
			})
			mustRun(t, h)
			var got []string
			for _, err := range log.Take() {
				got = append(got, err.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors reported (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAJoinAllTakesTheErrorsOfThoseItHasNotReachedYet: JoinAll joins in
// order, but a coroutine further on the list that fails meanwhile is
// taken too.
func TestAJoinAllTakesTheErrorsOfThoseItHasNotReachedYet(t *testing.T) {
	h, log := newHub(t, loop.Backends()[0])
	errFast := errors.New("fast")
	var got error
	h.Spawn(func(ctx context.Context) error {
		slow := Spawn(ctx, func(ctx context.Context) error { return Sleep(ctx, time.Millisecond) })
		fast := Spawn(ctx, func(ctx context.Context) error { return errFast })
		got = JoinAll(ctx, slow, fast)
		return nil
	})
	mustRun(t, h)
	if got != errFast {
		t.Errorf("JoinAll = %v, want %v", got, errFast)
	}
	if errs := log.Take(); len(errs) != 0 {
		t.Errorf("errors reported: %v, want none", errs)
	}
}

func TestGoexitInACoroutineEndsItWithAnError(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, log := newHub(t, backend)
		deferred := false
		co := h.Spawn(func(ctx context.Context) error {
			defer func() { deferred = true }()
			runtime.Goexit()
			return nil
		})
		other := h.Spawn(func(ctx context.Context) error { return Sleep(ctx, 0) })
		mustRun(t, h)
		if !deferred || !co.Done() || co.Err() == nil || !strings.Contains(co.Err().Error(), "runtime.Goexit") {
			t.Errorf("after Goexit: deferred %v, Done %v, Err %v; want true, true, an error naming runtime.Goexit",
				deferred, co.Done(), co.Err())
		}
		if !other.Done() || other.Err() != nil {
			t.Errorf("the other coroutine: Done %v, Err %v; want true, nil", other.Done(), other.Err())
		}
		if errs := log.Take(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "coroutine-1") {
			t.Errorf("error handler got %v, want one error naming coroutine-1", errs)
		}
	})
}

// TestGoexitOnALockedLoopLeavesTheLoopRunning runs the hub on a goroutine
// locked to its thread, as examples.Loops does: there the Goexit cannot be
// finished on another goroutine (see outliveGoexit), and trying would end
// the program. The loop must go on and Close return; the coroutine's
// goroutine is left parked, so this test does not count goroutines.
func TestGoexitOnALockedLoopLeavesTheLoopRunning(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		l, log := testutil.NewLoop(t, backend)
		h := NewHub(l)
		co := h.Spawn(func(ctx context.Context) error {
			runtime.Goexit()
			return nil
		})
		other := h.Spawn(func(ctx context.Context) error { return Sleep(ctx, 0) })
		ran := make(chan error, 1)
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			err := h.Run()
			h.Close()
			ran <- err
		}()
		if err := <-ran; err != nil {
			t.Fatalf("Hub.Run() = %v", err)
		}
		if !co.Done() || !strings.Contains(fmt.Sprint(co.Err()), "runtime.Goexit") || !other.Done() || other.Err() != nil {
			t.Errorf("after Goexit: Done %v, Err %v, the other's Done %v, Err %v; want true, an error naming runtime.Goexit, true, nil",
				co.Done(), co.Err(), other.Done(), other.Err())
		}
		if errs := log.Take(); len(errs) != 1 {
			t.Errorf("error handler got %v, want the one error of the Goexit", errs)
		}
	})
}

func TestSpawnOutsideACoroutineReturnsAFailedCoroutine(t *testing.T) {
	co := Spawn(context.Background(), func(ctx context.Context) error { return nil })
	if !co.Done() || !errors.Is(co.Err(), ErrOutsideCoroutine) {
		t.Fatalf("Spawn(context.Background()): Done %v, Err %v; want true, ErrOutsideCoroutine", co.Done(), co.Err())
	}
	if want := "coroutines: Spawn called outside a coroutine"; co.Err().Error() != want {
		t.Errorf("Err() = %q, want %q", co.Err(), want)
	}
}

func TestOutsideErrorsNameTheExportedCall(t *testing.T) {
	ctx := context.Background()
	var p Pool
	var b BoundedSemaphore
	_, poolErr := p.Spawn(ctx, func(context.Context) error { return nil })
	_, mapErr := Map(ctx, &p, []int{1}, func(context.Context, int) (int, error) { return 0, nil })
	got := []string{poolErr.Error(), mapErr.Error(), b.Acquire(ctx).Error(), JoinAll(ctx).Error()}
	want := []string{
		"coroutines: Pool.Spawn called outside a coroutine",
		"coroutines: Pool.Spawn called outside a coroutine", // Map's first call
		"coroutines: BoundedSemaphore.Acquire called outside a coroutine",
		"coroutines: JoinAll called outside a coroutine",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}
