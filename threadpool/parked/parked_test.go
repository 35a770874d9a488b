package parked_test

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/threadpool"
	"github.com/loopkit/loopkit/threadpool/parked"
)

// start returns a hub on a loop of its own and a pool of workers on the
// same loop, all closed when t ends.
func start(t *testing.T, workers int) (*coroutines.Hub, *threadpool.Pool) {
	t.Helper()
	t.Cleanup(func() { waitNoWorkers(t) })
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	h := coroutines.NewHub(l)
	t.Cleanup(func() { h.Close() })
	p, err := threadpool.New(l, threadpool.WithWorkers(workers))
	if err != nil {
		t.Fatal(err)
	}
	return h, p
}

// waitNoWorkers fails t if a pool's worker goroutine outlives the test.
func waitNoWorkers(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(testutil.Scale(time.Second))
	for {
		buf := make([]byte, 1<<20)
		n := strings.Count(string(buf[:runtime.Stack(buf, true)]), "threadpool.(*Pool).work(")
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%d pool worker(s) still running after the test", n)
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// TestApplyParksOthersRun checks that a coroutine parked in Apply lets
// another run meanwhile: the work waits until the other coroutine has run,
// which it can only do if the loop goes on while the work is out.
func TestApplyParksOthersRun(t *testing.T) {
	h, p := start(t, 1)
	otherRan := make(chan struct{})
	var got []string
	h.Spawn(func(ctx context.Context) error {
		v, err := parked.Apply(ctx, p, func() (string, error) {
			select {
			case <-otherRan:
				return "after the other", nil
			case <-time.After(testutil.Scale(5 * time.Second)):
				return "", errors.New("the other coroutine never ran while Apply was parked")
			}
		})
		got = append(got, v)
		return err
	})
	h.Spawn(func(ctx context.Context) error {
		got = append(got, "other")
		close(otherRan)
		return nil
	})
	if err := h.Run(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"other", "after the other"}, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

// TestFilesInACoroutine writes and reads back a file in straight-line code.
func TestFilesInACoroutine(t *testing.T) {
	h, p := start(t, threadpool.DefaultWorkers)
	name := filepath.Join(t.TempDir(), "notes.txt")
	var got []byte
	h.Spawn(func(ctx context.Context) error {
		if err := parked.WriteFile(ctx, p, name, []byte("parked, not blocked\n"), 0o600); err != nil {
			return err
		}
		data, err := parked.ReadFile(ctx, p, name)
		got = data
		return err
	})
	if err := h.Run(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("parked, not blocked\n", string(got)); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}

// TestApplyTimesOut checks the two cancellations: a work still queued
// behind a busy worker never runs; the running one finishes, and its result
// is dropped. Both callers get the timeout at once.
func TestApplyTimesOut(t *testing.T) {
	h, p := start(t, 1)
	release := make(chan struct{})
	var queuedRan atomic.Bool
	var errs [2]error
	for i, fn := range []func() (int, error){
		func() (int, error) { <-release; return 1, nil },
		func() (int, error) { queuedRan.Store(true); return 2, nil },
	} {
		h.Spawn(func(ctx context.Context) error {
			tctx, cancel := coroutines.WithTimeout(ctx, 10*time.Millisecond)
			defer cancel()
			_, errs[i] = parked.Apply(tctx, p, fn)
			return nil
		})
	}
	h.Spawn(func(ctx context.Context) error {
		if err := coroutines.Sleep(ctx, 50*time.Millisecond); err != nil {
			return err
		}
		close(release) // the first work ends now, after both callers gave up
		return nil
	})
	if err := h.Run(); err != nil {
		t.Fatal(err)
	}
	for i, err := range errs {
		if !errors.Is(err, coroutines.ErrTimeout) {
			t.Errorf("Apply %d = %v, want a timeout", i, err)
		}
	}
	if queuedRan.Load() {
		t.Error("the work still queued when its caller timed out ran anyway")
	}
}

// TestApplyOutsideACoroutine checks the refusal, and that nothing runs.
func TestApplyOutsideACoroutine(t *testing.T) {
	_, p := start(t, 1)
	_, err := parked.Apply(context.Background(), p, func() (int, error) {
		t.Error("the work ran")
		return 0, nil
	})
	if !errors.Is(err, coroutines.ErrOutsideCoroutine) {
		t.Errorf("Apply outside a coroutine = %v, want ErrOutsideCoroutine", err)
	}
}
