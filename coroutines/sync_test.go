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

func TestEventWakesEveryWaiterInOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		var ev Event
		for _, name := range []string{"a", "b", "c"} {
			h.Spawn(func(ctx context.Context) error {
				err := ev.Wait(ctx)
				got = append(got, name+" woke")
				return err
			})
		}
		h.Spawn(func(ctx context.Context) error {
			got = append(got, "set")
			ev.Set()
			ev.Clear() // those already woken still return nil
			got = append(got, fmt.Sprint("IsSet after Clear: ", ev.IsSet()))
			return nil
		})
		mustRun(t, h)
		want := []string{"set", "IsSet after Clear: false", "a woke", "b woke", "c woke"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

func TestAsyncResultGivesOneValueToEveryWaiter(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		var r AsyncResult[string]
		for _, name := range []string{"a", "b"} {
			h.Spawn(func(ctx context.Context) error {
				v, err := r.Get(ctx)
				got = append(got, fmt.Sprint(name, ": ", v, " ", err))
				return err
			})
		}
		h.Spawn(func(ctx context.Context) error {
			got = append(got, fmt.Sprint("Set: ", r.Set("answer")))
			got = append(got, fmt.Sprint("second Set: ", r.Set("other")))
			got = append(got, fmt.Sprint("SetError: ", r.SetError(errors.New("late"))))
			return nil
		})
		mustRun(t, h)
		want := []string{
			"Set: <nil>",
			"second Set: coroutines: AsyncResult already set",
			"SetError: coroutines: AsyncResult already set",
			"a: answer <nil>",
			"b: answer <nil>",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

func TestSemaphoreServesWaitersInOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		s := NewSemaphore(2)
		for _, name := range []string{"a", "b", "c", "d"} {
			h.Spawn(func(ctx context.Context) error {
				if err := s.Acquire(ctx); err != nil {
					return err
				}
				got = append(got, name+" in")
				err := Sleep(ctx, 0)
				got = append(got, name+" out")
				s.Release()
				return err
			})
		}
		mustRun(t, h)
		want := []string{"a in", "b in", "a out", "b out", "c in", "d in", "c out", "d out"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

func TestBoundedSemaphoreRefusesAReleaseTooMany(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		b := NewBoundedSemaphore(1)
		h.Spawn(func(ctx context.Context) error {
			got = append(got, fmt.Sprint("TryAcquire: ", b.TryAcquire(), ", Free: ", b.Free()))
			got = append(got, fmt.Sprint("Release: ", b.Release()))
			err := b.Release()
			got = append(got, fmt.Sprint("Release again: ", err, ", is ErrReleased: ", errors.Is(err, ErrReleased)))
			return nil
		})
		mustRun(t, h)
		want := []string{
			"TryAcquire: true, Free: 0",
			"Release: <nil>",
			"Release again: coroutines: BoundedSemaphore.Release with all 1 permits free: " +
				"coroutines: released more times than acquired, is ErrReleased: true",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

// TestLockKeepsACriticalSectionThatBlocksWhole: each holder parks inside
// the critical section, and still no other enters until it unlocks.
func TestLockKeepsACriticalSectionThatBlocksWhole(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		var mu Lock
		for _, name := range []string{"a", "b", "c"} {
			h.Spawn(func(ctx context.Context) error {
				if err := mu.Lock(ctx); err != nil {
					return err
				}
				defer mu.Unlock()
				got = append(got, name+" enters")
				if err := Sleep(ctx, time.Millisecond); err != nil {
					return err
				}
				got = append(got, name+" leaves")
				return nil
			})
		}
		mustRun(t, h)
		want := []string{"a enters", "a leaves", "b enters", "b leaves", "c enters", "c leaves"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

func TestUnlockOfAnUnlockedLockPanicsToTheHandler(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, log := newHub(t, backend)
		var mu Lock
		co := h.Spawn(func(ctx context.Context) error { mu.Unlock(); return nil })
		mustRun(t, h)
		var pe *loop.PanicError
		if errs := log.Take(); len(errs) != 1 || !errors.As(errs[0], &pe) ||
			!strings.Contains(fmt.Sprint(pe.Value), "Unlock of an unlocked Lock") {
			t.Errorf("error handler got %v, want one *loop.PanicError about the Unlock", errs)
		}
		if co.Err() == nil {
			t.Errorf("the coroutine that panicked has no error")
		}
	})
}
