package coroutines

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// pipeline is a small program with every kind of park: producers put to a
// bounded queue, consumers get from it and take turns on a lock, one
// consumer sleeps while it holds the lock, a timeout cuts a wait, a kill
// ends one consumer and closing the queue the other. It returns the trace
// of what happened, in order.
func pipeline(t *testing.T, backend string) []string {
	t.Helper()
	h := newSteppingHub(t, backend, time.Millisecond)
	var trace []string
	log := func(format string, args ...any) {
		trace = append(trace, fmt.Sprintf("%v ", since(h))+fmt.Sprintf(format, args...))
	}
	q := NewQueue[string](2)
	var mu Lock
	var g Group
	consumers := map[string]*Coroutine{}
	h.Spawn(func(ctx context.Context) error {
		for _, p := range []string{"p1", "p2"} {
			g.Spawn(ctx, func(ctx context.Context) error {
				for i := range 4 {
					if err := q.Put(ctx, fmt.Sprint(p, ".", i)); err != nil {
						log("%s: Put: %v", p, err)
						return err
					}
					log("%s put %d", p, i)
				}
				return nil
			})
		}
		for _, c := range []string{"c1", "c2"} {
			consumers[c] = g.Spawn(ctx, func(ctx context.Context) error {
				for {
					v, err := q.Get(ctx)
					if err != nil {
						log("%s: Get: %s", c, describe(err))
						return nil
					}
					if err := mu.Lock(ctx); err != nil {
						return err
					}
					log("%s got %s", c, v)
					if c == "c2" {
						Sleep(ctx, time.Millisecond)
					}
					mu.Unlock()
				}
			})
		}
		var never Event
		log("main: %s", describe(Timeout(ctx, 2*time.Millisecond, never.Wait)))
		consumers["c2"].Kill()
		Sleep(ctx, 10*time.Millisecond)
		q.Close()
		return g.Join(ctx)
	})
	mustRun(t, h)
	return trace
}

func TestSameEventsGiveTheSameInterleaving(t *testing.T) {
	var first []string
	forEachBackend(t, func(t *testing.T, backend string) {
		for run := range 3 {
			got := pipeline(t, backend)
			if first == nil {
				first = got
				if len(first) < 10 {
					t.Fatalf("the pipeline traced only %d events: %q", len(first), first)
				}
				continue
			}
			if diff := cmp.Diff(first, got); diff != "" {
				t.Errorf("run %d on %s differs from the first run (-first +this):\n%s", run, backend, diff)
			}
		}
	})
	t.Logf("trace:\n%s", fmt.Sprint(first))
}
