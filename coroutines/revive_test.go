package coroutines

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// stubbornContext is a context of the user's whose Err says it is done
// while its Done channel never closes, so context.AfterFunc never fires:
// the only thing left to wake a coroutine parked with it is the hub's exit
// check, which must see Err and not call it a deadlock.
type stubbornContext struct {
	context.Context
	done chan struct{}
	err  *error
}

func (c stubbornContext) Done() <-chan struct{} { return c.done }
func (c stubbornContext) Err() error            { return *c.err }

func TestExitCheckWakesACoroutineWhoseContextIsDoneRatherThanReportADeadlock(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		var cancelled error
		h.Spawn(func(ctx context.Context) error {
			uctx := stubbornContext{Context: ctx, done: make(chan struct{}), err: &cancelled}
			var never Event
			got = append(got, fmt.Sprint("Wait: ", never.Wait(uctx)))
			return nil
		})
		h.Spawn(func(ctx context.Context) error {
			cancelled = context.Canceled
			got = append(got, "cancelled")
			return nil
		})
		mustRun(t, h)
		want := []string{"cancelled", "Wait: context canceled"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
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

func TestSpawnOutsideACoroutineReturnsAFailedCoroutine(t *testing.T) {
	co := Spawn(context.Background(), func(ctx context.Context) error { return nil })
	if !co.Done() || !errors.Is(co.Err(), ErrOutsideCoroutine) {
		t.Fatalf("Spawn(context.Background()): Done %v, Err %v; want true, ErrOutsideCoroutine", co.Done(), co.Err())
	}
	if want := "coroutines: Spawn called outside a coroutine"; co.Err().Error() != want {
		t.Errorf("Err() = %q, want %q", co.Err(), want)
	}
}

func TestTimeoutErrorSaysTimeout(t *testing.T) {
	var err error = &TimeoutError{Duration: 5}
	var te interface{ Timeout() bool }
	if !errors.As(err, &te) || !te.Timeout() || !errors.Is(err, ErrTimeout) {
		t.Errorf("*TimeoutError: Timeout() and errors.Is(ErrTimeout) should both be true")
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
