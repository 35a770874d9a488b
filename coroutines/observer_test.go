package coroutines

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// handOffs is an Observer that writes down each hand-off, and what the
// coroutines it was told of say they park on at that moment.
type handOffs struct {
	got []string
}

func (o *handOffs) Resumed(co *Coroutine) {
	o.got = append(o.got, "resume "+co.Name())
}

func (o *handOffs) Parked(co *Coroutine, what string) {
	o.got = append(o.got, fmt.Sprintf("park %s on %s (ParkedOn %q)", co.Name(), what, co.ParkedOn()))
}

func (o *handOffs) Finished(co *Coroutine, err error) {
	o.got = append(o.got, fmt.Sprintf("finish %s: %v (ParkedOn %q)", co.Name(), err, co.ParkedOn()))
}

func TestObserverSeesEveryHandOffInOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h := newSteppingHub(t, backend, time.Second)
		o := &handOffs{}
		h.SetObserver(o)
		errOdd := errors.New("odd")
		printSum := h.Spawn(func(ctx context.Context) error {
			compute := Spawn(ctx, func(ctx context.Context) error {
				if err := Sleep(ctx, time.Second); err != nil {
					return err
				}
				return errOdd
			})
			compute.SetName("compute")
			return compute.Join(ctx)
		})
		printSum.SetName("print_sum")
		if err := h.RunUntil(printSum); err != errOdd {
			t.Fatalf("Hub.RunUntil(print_sum) = %v, want %v", err, errOdd)
		}
		want := []string{
			"resume print_sum",
			`park print_sum on Join compute (ParkedOn "Join compute")`,
			"resume compute",
			`park compute on Sleep (ParkedOn "Sleep")`,
			"resume compute",
			`finish compute: odd (ParkedOn "")`,
			"resume print_sum",
			`finish print_sum: odd (ParkedOn "")`,
		}
		if diff := cmp.Diff(want, o.got); diff != "" {
			t.Errorf("hand-offs (-want +got):\n%s", diff)
		}
	})
}

func TestObserverIsToldOfTheKillsOfClose(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		o := &handOffs{}
		h.SetObserver(o)
		var never Event
		h.Spawn(never.Wait).SetName("waiter")
		// The loop runs out of things to wait for while waiter is parked:
		// a deadlock, which Close then ends by killing it.
		if err := run(t, h); !errors.Is(err, ErrDeadlock) {
			t.Fatalf("Hub.Run() = %v, want a deadlock", err)
		}
		if err := h.Close(); err != nil {
			t.Fatalf("Hub.Close() = %v", err)
		}
		want := []string{
			"resume waiter",
			`park waiter on Event.Wait (ParkedOn "Event.Wait")`,
			"resume waiter",
			`finish waiter: coroutines: killed (ParkedOn "")`,
		}
		if diff := cmp.Diff(want, o.got); diff != "" {
			t.Errorf("hand-offs (-want +got):\n%s", diff)
		}
	})
}

func TestParkedOnIsEmptyUnlessParked(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var whileRunning string
		co := h.Spawn(func(ctx context.Context) error {
			whileRunning = Current(ctx).ParkedOn()
			return nil
		})
		if got := co.ParkedOn(); got != "" {
			t.Errorf("ParkedOn() before the start = %q, want \"\"", got)
		}
		mustRun(t, h)
		if whileRunning != "" || co.ParkedOn() != "" {
			t.Errorf("ParkedOn() while running = %q, once done = %q; want both \"\"", whileRunning, co.ParkedOn())
		}
	})
}
