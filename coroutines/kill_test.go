package coroutines

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestKillFailsThePendingCallRunsDefersAndJoinReportsIt(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		q := NewQueue[int](0)
		victim := h.Spawn(func(ctx context.Context) error {
			defer func() { got = append(got, "victim's defer runs") }()
			_, err := q.Get(ctx)
			got = append(got, fmt.Sprint("victim's Get: ", err))
			if err := Sleep(ctx, time.Hour); !errors.Is(err, ErrKilled) {
				got = append(got, fmt.Sprint("victim's next Sleep: ", err))
			}
			return err
		})
		h.Spawn(func(ctx context.Context) error {
			got = append(got, "killer kills")
			victim.Kill()
			err := victim.Join(ctx)
			got = append(got, fmt.Sprint("killer's Join: ", err))
			return nil
		})
		mustRun(t, h)
		want := []string{
			"killer kills",
			"victim's Get: coroutines: killed",
			"victim's defer runs",
			"killer's Join: coroutines: killed",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
		if !errors.Is(victim.Err(), ErrKilled) || !errors.Is(context.Cause(victim.Context()), ErrKilled) {
			t.Errorf("victim: Err() = %v, context.Cause = %v; want ErrKilled for both", victim.Err(), context.Cause(victim.Context()))
		}
	})
}

// TestKillAfterAWakeFailsTheNextCall: the victim was woken (its Event set)
// but has not run yet when it is killed. The wake came first and wins;
// the victim's next blocking call fails.
func TestKillAfterAWakeFailsTheNextCall(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		var ev Event
		victim := h.Spawn(func(ctx context.Context) error {
			got = append(got, fmt.Sprint("Wait: ", ev.Wait(ctx)))
			got = append(got, fmt.Sprint("next Sleep: ", Sleep(ctx, 0)))
			return nil
		})
		h.Spawn(func(ctx context.Context) error {
			ev.Set()
			victim.Kill()
			return nil
		})
		mustRun(t, h)
		want := []string{"Wait: <nil>", "next Sleep: coroutines: killed"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
		if !errors.Is(victim.Err(), ErrKilled) {
			t.Errorf("Err() of a killed coroutine that returned nil = %v, want ErrKilled", victim.Err())
		}
	})
}

func TestKillOfItselfFailsItsNextCall(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		h.Spawn(func(ctx context.Context) error {
			Current(ctx).Kill()
			got = append(got, "still running")
			err := Sleep(ctx, 0)
			got = append(got, fmt.Sprint("Sleep: ", err))
			return err
		})
		mustRun(t, h)
		want := []string{"still running", "Sleep: coroutines: killed"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

func TestKillBeforeStartMeansItNeverRuns(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		ran := false
		soon := h.Spawn(func(ctx context.Context) error { ran = true; return nil })
		later := h.SpawnLater(time.Hour, func(ctx context.Context) error { ran = true; return nil })
		KillAll(soon, later)
		mustRun(t, h) // returns at once: the SpawnLater timer is gone
		if ran {
			t.Errorf("a coroutine killed before it started ran")
		}
		for _, co := range []*Coroutine{soon, later} {
			if !co.Done() || !errors.Is(co.Err(), ErrKilled) {
				t.Errorf("%s: Done() = %v, Err() = %v; want true, ErrKilled", co, co.Done(), co.Err())
			}
		}
	})
}

func TestKillDoesNotReachTheCoroutinesItSpawned(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var child *Coroutine
		parent := h.Spawn(func(ctx context.Context) error {
			child = Spawn(ctx, func(ctx context.Context) error { return Sleep(ctx, time.Millisecond) })
			return Sleep(ctx, time.Hour)
		})
		h.Spawn(func(ctx context.Context) error { parent.Kill(); return nil })
		mustRun(t, h)
		if !errors.Is(parent.Err(), ErrKilled) || child.Err() != nil {
			t.Errorf("parent.Err() = %v, child.Err() = %v; want ErrKilled, nil", parent.Err(), child.Err())
		}
	})
}

func TestJoinAllWaitsForEveryoneAndReportsTheFirstError(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h := newSteppingHub(t, backend, 10*time.Millisecond)
		var got []callOutcome
		h.Spawn(func(ctx context.Context) error {
			slow := Spawn(ctx, func(ctx context.Context) error { return Sleep(ctx, 30*time.Millisecond) })
			failing := Spawn(ctx, func(ctx context.Context) error {
				Sleep(ctx, 10*time.Millisecond)
				return errors.New("second failed")
			})
			err := Timeout(ctx, 20*time.Millisecond, func(ctx context.Context) error {
				return JoinAll(ctx, slow, failing)
			})
			got = append(got, callOutcome{"JoinAll with a 20ms timeout", since(h), describe(err)})
			err = JoinAll(ctx, slow, failing)
			got = append(got, callOutcome{"JoinAll", since(h), describe(err)})
			return nil
		})
		mustRun(t, h)
		want := []callOutcome{
			{"JoinAll with a 20ms timeout", 20 * time.Millisecond, "timeout 20ms"},
			{"JoinAll", 30 * time.Millisecond, "second failed"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outcomes (-want +got):\n%s", diff)
		}
	})
}

func TestJoinOfItselfIsAnError(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var err error
		co := h.Spawn(func(ctx context.Context) error {
			err = Current(ctx).Join(ctx)
			return nil
		})
		co.SetName("narcissus")
		mustRun(t, h)
		want := "coroutines: narcissus joins itself, which would never return"
		if err == nil || err.Error() != want {
			t.Errorf("Join of itself = %v, want %q", err, want)
		}
	})
}

func TestGroupJoinWaitsForAllAndKillKillsAll(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		h, _ := newHub(t, backend)
		var got []string
		h.Spawn(func(ctx context.Context) error {
			var g Group
			for i := range 3 {
				g.Spawn(ctx, func(ctx context.Context) error {
					err := Sleep(ctx, time.Duration(i)*time.Millisecond)
					got = append(got, fmt.Sprint("member ", i, " done"))
					return err
				})
			}
			got = append(got, fmt.Sprint("Join: ", g.Join(ctx), ", Len: ", g.Len()))
			for range 2 {
				g.Spawn(ctx, func(ctx context.Context) error { return Sleep(ctx, time.Hour) })
			}
			got = append(got, fmt.Sprint("Len: ", g.Len()))
			g.Kill()
			got = append(got, fmt.Sprint("Join after Kill: ", g.Join(ctx), ", Len: ", g.Len()))
			return nil
		})
		mustRun(t, h)
		want := []string{
			"member 0 done", "member 1 done", "member 2 done",
			"Join: <nil>, Len: 0",
			"Len: 2",
			"Join after Kill: coroutines: killed, Len: 0",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}
