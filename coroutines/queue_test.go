package coroutines

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestQueueServesWaitingGettersInOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		q := NewQueue[int](0)
		for _, name := range []string{"a", "b", "c"} {
			h.Spawn(func(ctx context.Context) error {
				v, err := q.Get(ctx)
				got = append(got, fmt.Sprint(name, " got ", v))
				return err
			})
		}
		h.Spawn(func(ctx context.Context) error {
			for v := 1; v <= 3; v++ {
				if err := q.Put(ctx, v); err != nil {
					return err
				}
			}
			got = append(got, "put 3")
			return nil
		})
		mustRun(t, h)
		want := []string{"put 3", "a got 1", "b got 2", "c got 3"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

func TestBoundedQueueParksPuttersAndServesThemInOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		q := NewQueue[string](1)
		for _, name := range []string{"a", "b", "c"} {
			h.Spawn(func(ctx context.Context) error {
				err := q.Put(ctx, name)
				got = append(got, "put "+name)
				return err
			})
		}
		h.Spawn(func(ctx context.Context) error {
			got = append(got, fmt.Sprint("Len ", q.Len()))
			for range 3 {
				v, err := q.Get(ctx)
				if err != nil {
					return err
				}
				got = append(got, "got "+v)
			}
			return nil
		})
		mustRun(t, h)
		want := []string{"put a", "Len 1", "got a", "got b", "got c", "put b", "put c"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

func TestQueueTryPutAndTryGetNeverBlock(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		q := NewQueue[int](2)
		h.Spawn(func(ctx context.Context) error {
			got = append(got, fmt.Sprint(q.TryPut(1), q.TryPut(2), q.TryPut(3)))
			v1, ok1 := q.TryGet()
			v2, ok2 := q.TryGet()
			v3, ok3 := q.TryGet()
			got = append(got, fmt.Sprint(v1, ok1, v2, ok2, v3, ok3))
			return nil
		})
		// A loop callback hands an item to a parked coroutine.
		h.Spawn(func(ctx context.Context) error {
			h.Loop().CallLater(time.Millisecond, func() { q.TryPut(7) })
			v, err := q.Get(ctx)
			got = append(got, fmt.Sprint("from the loop: ", v))
			return err
		})
		mustRun(t, h)
		want := []string{"true true false", "1 true 2 true 0 false", "from the loop: 7"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

func TestQueueCloseWakesWaitersAndDrains(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		empty, full := NewQueue[int](0), NewQueue[int](1)
		full.TryPut(1)
		h.Spawn(func(ctx context.Context) error {
			_, err := empty.Get(ctx)
			got = append(got, fmt.Sprint("Get: ", err))
			return nil
		})
		h.Spawn(func(ctx context.Context) error {
			err := full.Put(ctx, 2)
			got = append(got, fmt.Sprint("Put: ", err))
			return nil
		})
		h.Spawn(func(ctx context.Context) error {
			empty.Close()
			full.Close()
			v, err := full.Get(ctx)
			got = append(got, fmt.Sprint("drain: ", v, " ", err))
			_, err = full.Get(ctx)
			got = append(got, fmt.Sprint("drained: ", err))
			got = append(got, fmt.Sprint("Put after Close: ", full.Put(ctx, 3)))
			return nil
		})
		mustRun(t, h)
		want := []string{
			"drain: 1 <nil>",
			"drained: coroutines: queue closed",
			"Put after Close: coroutines: queue closed",
			"Get: coroutines: queue closed",
			"Put: coroutines: queue closed",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

// TestQueueTimedOutGetterLosesNoItem: a getter that timed out leaves the
// wait list; the next item goes to the getter behind it.
func TestQueueTimedOutGetterLosesNoItem(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h := newSteppingHub(t, backend, 10*time.Millisecond)
		var got []string
		q := NewQueue[int](0)
		h.Spawn(func(ctx context.Context) error {
			err := Timeout(ctx, 10*time.Millisecond, func(ctx context.Context) error {
				_, err := q.Get(ctx)
				return err
			})
			got = append(got, fmt.Sprint("impatient: ", describe(err)))
			return nil
		})
		h.Spawn(func(ctx context.Context) error {
			v, err := q.Get(ctx)
			got = append(got, fmt.Sprint("patient got ", v))
			return err
		})
		h.Spawn(func(ctx context.Context) error {
			if err := Sleep(ctx, 20*time.Millisecond); err != nil {
				return err
			}
			return q.Put(ctx, 5)
		})
		mustRun(t, h)
		want := []string{"impatient: timeout 10ms", "patient got 5"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

// TestQueueItemHandedToAGetterKilledBeforeItRunsIsKept: the item reached
// the getter before the kill did; Get returns it.
func TestQueueItemHandedToAGetterKilledBeforeItRunsIsKept(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		q := NewQueue[int](0)
		getter := h.Spawn(func(ctx context.Context) error {
			v, err := q.Get(ctx)
			got = append(got, fmt.Sprint("Get: ", v, " ", err))
			return nil
		})
		h.Spawn(func(ctx context.Context) error {
			if err := q.Put(ctx, 9); err != nil {
				return err
			}
			getter.Kill()
			return nil
		})
		mustRun(t, h)
		if diff := cmp.Diff([]string{"Get: 9 <nil>"}, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
		if !errors.Is(getter.Err(), ErrKilled) {
			t.Errorf("getter.Err() = %v, want ErrKilled", getter.Err())
		}
	})
}

// TestQueueKeepsOrderAsItReusesItsArray drives TryPut and TryGet (no loop
// needed: they never block) through fills and drains of every shape,
// against a plain slice as the model: the queue goes back to the front of
// its array when it empties and slides down when it does not, and neither
// may lose, repeat or reorder an item.
func TestQueueKeepsOrderAsItReusesItsArray(t *testing.T) {
	tests := []struct {
		name string
		puts []int // items put before each round of gets
		gets []int // items taken in that round
	}{
		{"fill and drain", []int{5, 5, 5}, []int{5, 5, 5}},
		{"never empty", []int{8, 3, 3, 3, 3, 3}, []int{3, 3, 3, 3, 3, 3}},
		{"one behind", []int{1, 2, 2, 2, 2, 2, 2}, []int{0, 2, 2, 2, 2, 2, 3}},
		{"growing", []int{1, 2, 4, 8, 16}, []int{1, 1, 3, 7, 19}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := NewQueue[int](0)
			var model, got, want []int
			next := 0
			for round := range tt.puts {
				for range tt.puts[round] {
					q.TryPut(next)
					model = append(model, next)
					next++
				}
				for range tt.gets[round] {
					if v, ok := q.TryGet(); ok {
						got = append(got, v)
					}
					if len(model) > 0 {
						want, model = append(want, model[0]), model[1:]
					}
				}
				if q.Len() != len(model) {
					t.Fatalf("round %d: Len() = %d, want %d", round, q.Len(), len(model))
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("items taken (-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkQueueFillDrain is a chat writer's queue: a line's worth of
// messages put, then all taken at once. It reports an allocation per fill
// if the queue lets go of its array as it drains.
func BenchmarkQueueFillDrain(b *testing.B) {
	q := NewQueue[string](0)
	b.ReportAllocs()
	for b.Loop() {
		for range 100 {
			q.TryPut("message")
		}
		for _, ok := q.TryGet(); ok; _, ok = q.TryGet() {
		}
	}
}
