package coroutines

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// line returns the line it is called from, so that a test can say where a
// deadlock report should point.
func line() int {
	_, _, n, _ := runtime.Caller(1)
	return n
}

func TestDeadlockReportNamesEachParkedCoroutineAndWhere(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		q := NewQueue[string](0)
		var mu Lock
		var getLine, lockLine int
		var getErr error
		writer := h.Spawn(func(ctx context.Context) error {
			getLine = line() + 1
			_, getErr = q.Get(ctx)
			return getErr
		})
		writer.SetName("writer(alice)")
		h.Spawn(func(ctx context.Context) error {
			if err := mu.Lock(ctx); err != nil {
				return err
			}
			lockLine = line() + 1
			return mu.Lock(ctx) // a Lock is not reentrant
		})
		h.Spawn(func(ctx context.Context) error { return nil }) // finishes: not in the report
		err := run(t, h)
		want := fmt.Sprintf("coroutines: deadlock: 2 coroutines parked: "+
			"writer(alice) on Queue.Get (deadlock_test.go:%d); "+
			"coroutine-2 on Lock.Lock (deadlock_test.go:%d)", getLine, lockLine)
		if err == nil || err.Error() != want {
			t.Fatalf("Run() = %v\nwant %s", err, want)
		}
		if !errors.Is(err, ErrDeadlock) {
			t.Errorf("errors.Is(%v, ErrDeadlock) = false", err)
		}
		var de *DeadlockError
		if !errors.As(err, &de) || len(de.Parked) != 2 {
			t.Fatalf("Run() = %#v, want a *DeadlockError with 2 coroutines", err)
		}
		// Close releases the parked coroutines: their calls fail, their
		// goroutines return (newHub's cleanup checks none is left).
		if err := h.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		if !errors.Is(getErr, ErrKilled) || len(h.Coroutines()) != 0 {
			t.Errorf("after Close: the writer's Get returned %v, %d coroutines left; want ErrKilled, 0",
				getErr, len(h.Coroutines()))
		}
	})
}

func TestDeadlockReportForOneCoroutine(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var ev Event
		var at int
		h.Spawn(func(ctx context.Context) error {
			at = line() + 1
			return ev.Wait(ctx)
		}).SetName("waiter")
		err := run(t, h)
		want := fmt.Sprintf("coroutines: deadlock: 1 coroutine parked: waiter on Event.Wait (deadlock_test.go:%d)", at)
		if err == nil || err.Error() != want {
			t.Errorf("Run() = %v\nwant %s", err, want)
		}
	})
}

// TestDeadlockReportSeesThroughTheKitsOwnCalls: Pool.Spawn parks in the
// pool's semaphore, and Join in a coroutine's wait list; the report points
// at the user's line.
func TestDeadlockReportSeesThroughTheKitsOwnCalls(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var spawnLine, joinLine int
		var stuck *Coroutine
		h.Spawn(func(ctx context.Context) error {
			p := NewPool(1)
			var never Event
			if _, err := p.Spawn(ctx, never.Wait); err != nil {
				return err
			}
			spawnLine = line() + 1
			_, err := p.Spawn(ctx, never.Wait)
			return err
		}).SetName("spawner")
		h.Spawn(func(ctx context.Context) error {
			var ar AsyncResult[int]
			stuck = Spawn(ctx, func(ctx context.Context) error { _, err := ar.Get(ctx); return err })
			joinLine = line() + 1
			return stuck.Join(ctx)
		}).SetName("joiner")
		err := run(t, h)
		var de *DeadlockError
		if !errors.As(err, &de) {
			t.Fatalf("Run() = %v, want a *DeadlockError", err)
		}
		want := []ParkedCoroutine{
			{Name: "spawner", What: "Pool.Spawn", Site: fmt.Sprintf("deadlock_test.go:%d", spawnLine)},
			{Name: "joiner", What: "Join coroutine-4", Site: fmt.Sprintf("deadlock_test.go:%d", joinLine)},
			{Name: "coroutine-3", What: "Event.Wait", Site: ""}, // Wait is the function: no caller of the user's
			{Name: "coroutine-4", What: "AsyncResult.Get", Site: "deadlock_test.go"},
		}
		got := de.Parked
		// The last one's site is inside a closure; compare the file only.
		for i := 2; i < len(got); i++ {
			got[i].Site = fileOf(got[i].Site)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("parked coroutines (-want +got):\n%s", diff)
		}
	})
}

// fileOf returns the file of a "file.go:line" site.
func fileOf(site string) string {
	for i := len(site) - 1; i >= 0; i-- {
		if site[i] == ':' {
			return site[:i]
		}
	}
	return site
}

func TestCloseReleasesEveryGoroutine(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var deferred []string
		q := NewQueue[int](1)
		q.TryPut(0)
		for i := range 5 {
			h.Spawn(func(ctx context.Context) error {
				defer func() {
					// Blocking calls fail at once after Kill, even in a defer.
					deferred = append(deferred, fmt.Sprint(i, ": ", q.Put(ctx, i)))
				}()
				return q.Put(ctx, i)
			})
		}
		if err := run(t, h); !errors.Is(err, ErrDeadlock) {
			t.Fatalf("Run() = %v, want a deadlock", err)
		}
		if err := h.Close(); err != nil {
			t.Fatalf("Close() = %v", err)
		}
		want := []string{"0: coroutines: killed", "1: coroutines: killed", "2: coroutines: killed",
			"3: coroutines: killed", "4: coroutines: killed"}
		if diff := cmp.Diff(want, deferred); diff != "" {
			t.Errorf("deferred Puts (-want +got):\n%s", diff)
		}
		late := h.Spawn(func(ctx context.Context) error { return nil })
		if !errors.Is(late.Err(), ErrHubClosed) {
			t.Errorf("Spawn after Close: Err() = %v, want ErrHubClosed", late.Err())
		}
	})
}

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
