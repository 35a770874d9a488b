package signals

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

func TestWaitParksUntilTheSignal(t *testing.T) {
	checkLeaks(t)
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	hub := coroutines.NewHub(l)
	defer hub.Close()
	var got []string
	waiter := hub.Spawn(func(ctx context.Context) error {
		got = append(got, "waiting")
		err := Wait(ctx, l, syscall.SIGUSR1)
		got = append(got, "woken")
		return err
	})
	hub.Spawn(func(ctx context.Context) error {
		if err := coroutines.Sleep(ctx, 0); err != nil { // the waiter parks first
			return err
		}
		got = append(got, "raise")
		raise(t, syscall.SIGUSR1)
		return nil
	})
	testutil.Run(t, l, 5*time.Second) // Run goes on while Wait holds the loop
	if err := waiter.Err(); err != nil {
		t.Errorf("Wait = %v, want nil", err)
	}
	if diff := cmp.Diff([]string{"waiting", "raise", "woken"}, got); diff != "" {
		t.Errorf("what ran (-want +got):\n%s", diff)
	}
}

func TestWaitEndsWithItsContext(t *testing.T) {
	checkLeaks(t)
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	hub := coroutines.NewHub(l)
	defer hub.Close()
	var err error
	hub.Spawn(func(ctx context.Context) error {
		err = coroutines.Timeout(ctx, time.Millisecond, func(ctx context.Context) error {
			return Wait(ctx, l, syscall.SIGUSR1)
		})
		return nil
	})
	testutil.Run(t, l, 5*time.Second)
	if !errors.Is(err, coroutines.ErrTimeout) {
		t.Errorf("Wait under a 1ms Timeout = %v, want ErrTimeout", err)
	}
}

func TestWaitRefusesSIGKILL(t *testing.T) {
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	hub := coroutines.NewHub(l)
	defer hub.Close()
	var err error
	hub.Spawn(func(ctx context.Context) error {
		err = Wait(ctx, l, syscall.SIGKILL)
		return nil
	})
	testutil.Run(t, l, 5*time.Second)
	if err == nil || err.Error() != "signals: SIGKILL (9) cannot be caught, blocked or ignored: the kernel acts on it without asking the process" {
		t.Errorf("Wait(SIGKILL) = %v, want the refusal", err)
	}
}
