package coroutines

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPoolNeverRunsMoreThanItsSize(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h := newSteppingHub(t, backend, time.Millisecond)
		const size, jobs = 3, 10
		running, most := 0, 0
		var spawnedAt []time.Duration
		h.Spawn(func(ctx context.Context) error {
			p := NewPool(size)
			for i := range jobs {
				_, err := p.Spawn(ctx, func(ctx context.Context) error {
					running++
					most = max(most, running)
					defer func() { running-- }()
					return Sleep(ctx, time.Duration(1+i%3)*time.Millisecond)
				})
				if err != nil {
					return err
				}
				spawnedAt = append(spawnedAt, since(h))
			}
			return p.Join(ctx)
		})
		mustRun(t, h)
		if most != size {
			t.Errorf("at most %d coroutines ran at once, want %d (the pool's size)", most, size)
		}
		// Sleeps of 1, 2, 3, 1, 2, 3... ms: the fourth spawn waits for the
		// first to finish (1 ms), the fifth for the second (2 ms), ...
		want := []time.Duration{0, 0, 0, 1, 2, 2, 3, 4, 4, 5}
		for i := range want {
			want[i] *= time.Millisecond
		}
		if diff := cmp.Diff(want, spawnedAt); diff != "" {
			t.Errorf("times Spawn returned (-want +got):\n%s", diff)
		}
	})
}

func TestMapKeepsInputOrderAndUnorderedYieldsAsCallsFinish(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h := newSteppingHub(t, backend, time.Millisecond)
		inputs := []int{4, 1, 3, 2}
		// square sleeps as many ms as its input: the later inputs are quicker.
		square := func(ctx context.Context, n int) (int, error) {
			return n * n, Sleep(ctx, time.Duration(n)*time.Millisecond)
		}
		var ordered, unordered []int
		var mapErr error
		h.Spawn(func(ctx context.Context) error {
			p := NewPool(4)
			ordered, mapErr = Map(ctx, p, inputs, square)
			for v, err := range MapUnordered(ctx, p, inputs, square) {
				if err != nil {
					return err
				}
				unordered = append(unordered, v)
			}
			return nil
		})
		mustRun(t, h)
		if mapErr != nil {
			t.Fatalf("Map: %v", mapErr)
		}
		if diff := cmp.Diff([]int{16, 1, 9, 4}, ordered); diff != "" {
			t.Errorf("Map (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]int{1, 4, 9, 16}, unordered); diff != "" {
			t.Errorf("MapUnordered (-want +got):\n%s", diff)
		}
	})
}

func TestMapReportsTheFirstFailingInput(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var outs []string
		var err error
		h.Spawn(func(ctx context.Context) error {
			outs, err = Map(ctx, NewPool(2), []string{"ok", "bad1", "bad2"}, func(ctx context.Context, s string) (string, error) {
				if s != "ok" {
					return "", errors.New(s + " failed")
				}
				return s + "!", nil
			})
			return nil
		})
		mustRun(t, h)
		if err == nil || err.Error() != "bad1 failed" {
			t.Errorf("Map error = %v, want bad1 failed", err)
		}
		if diff := cmp.Diff([]string{"ok!", "", ""}, outs); diff != "" {
			t.Errorf("Map outputs (-want +got):\n%s", diff)
		}
	})
}

func TestBreakingOutOfMapUnorderedKillsTheRest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h := newSteppingHub(t, backend, time.Millisecond)
		var got []string
		h.Spawn(func(ctx context.Context) error {
			p := NewPool(3)
			for v, err := range MapUnordered(ctx, p, []int{1, 50, 60}, func(ctx context.Context, n int) (int, error) {
				err := Sleep(ctx, time.Duration(n)*time.Millisecond)
				got = append(got, fmt.Sprint(n, ": ", describe(err)))
				return n, err
			}) {
				got = append(got, fmt.Sprint("yielded ", v, " ", err))
				break
			}
			got = append(got, fmt.Sprint("after the loop at ", since(h), ", pool Len ", p.Len()))
			err := p.Join(ctx)
			got = append(got, fmt.Sprint("Join: ", err, ", Free ", p.Free()))
			return nil
		})
		mustRun(t, h)
		want := []string{
			"1: nil",
			"yielded 1 <nil>",
			"after the loop at 1ms, pool Len 2",
			"50: coroutines: killed",
			"60: coroutines: killed",
			"Join: coroutines: killed, Free 3",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

func TestPoolSpawnWaitCanTimeOut(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h := newSteppingHub(t, backend, 10*time.Millisecond)
		var got []string
		h.Spawn(func(ctx context.Context) error {
			p := NewPool(1)
			if _, err := p.Spawn(ctx, func(ctx context.Context) error { return Sleep(ctx, time.Second) }); err != nil {
				return err
			}
			err := Timeout(ctx, 20*time.Millisecond, func(ctx context.Context) error {
				co, err := p.Spawn(ctx, func(ctx context.Context) error { return nil })
				got = append(got, fmt.Sprint("coroutine spawned: ", co != nil))
				return err
			})
			got = append(got, fmt.Sprint(describe(err), " at ", since(h)))
			p.Kill()
			return nil
		})
		mustRun(t, h)
		want := []string{"coroutine spawned: false", "timeout 20ms at 20ms"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}
