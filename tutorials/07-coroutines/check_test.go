package main

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
)

// The checks of step 07. go test ./tutorials/07-coroutines checks your
// minico; LOOPKIT_IMPL=solution checks the reference. Each runs on the
// kit's loop, most on a fake clock (timers.Fake), so that a timer fires
// exactly when the check moves the clock.

// TestStrictAlternation runs four coroutines that each take 25 turns, and a
// loop callback that runs in every iteration meanwhile. Each, while it
// runs, counts itself in an atomic counter and holds on for a moment: the
// counter must never see two at once. That is the rule the hand-off
// exists for: exactly one of {the loop, one coroutine} runs at any moment.
func TestStrictAlternation(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	r := newRig(t, steptest.Impl(t, impls), false)
	var running atomic.Int32
	var clash atomic.Pointer[string]
	var current atomic.Pointer[string]
	enter := func(who string) {
		if n := running.Add(1); n != 1 {
			other := "?"
			if p := current.Load(); p != nil {
				other = *p
			}
			msg := fmt.Sprintf("%s ran while %s was running (%d running at once)", who, other, n)
			clash.CompareAndSwap(nil, &msg)
		}
		current.Store(&who)
		// Hold on for a moment, letting other goroutines run if they
		// may: a loop that did not wait for the coroutine shows now.
		for until := time.Now().Add(50 * time.Microsecond); time.Now().Before(until); {
			runtime.Gosched()
		}
	}
	leave := func() { running.Add(-1) }

	const coroutines, turns = 4, 25
	var turnsTaken atomic.Int32
	for i := range coroutines {
		r.hub.Spawn(fmt.Sprintf("co%d", i), func(co Co) error {
			for range turns {
				enter(co.Name())
				turnsTaken.Add(1)
				leave()
				if err := co.Sleep(0); err != nil {
					return err
				}
			}
			return nil
		})
	}
	var tick func()
	ticks := 0
	tick = func() {
		enter("a loop callback")
		leave()
		// Again next iteration, while coroutines live and nothing went
		// wrong (a TODO panic leaves them unfinished for ever).
		if ticks++; r.hub.Live() > 0 && r.reported() == "" && ticks < 100*coroutines*turns {
			r.loop.CallSoon(tick)
		}
	}
	r.loop.CallSoon(tick)
	r.start()
	waitErr := waitFailure(r)
	if c := clash.Load(); c != nil {
		t.Fatalf("%s: the loop and a coroutine ran at the same time. resume must wait on h.yield until the "+
			"coroutine parks, and park must hand control back on h.yield before it waits on co.resume%s", *c, r.explain())
	}
	if waitErr != "" {
		t.Fatal(waitErr)
	}
	if got := int(turnsTaken.Load()); got != coroutines*turns {
		t.Errorf("the coroutines took %d turns in all, want %d (%d coroutines, %d each)", got, coroutines*turns, coroutines, turns)
	}
	if p := r.reported(); p != "" {
		t.Errorf("the loop reported:\n  %s", p)
	}
}

// waitFailure is r.wait, returning its failure instead of failing, so
// that a clash can be reported first.
func waitFailure(r *rig) string {
	select {
	case err := <-r.ended:
		r.ended <- err
		if err != nil {
			return fmt.Sprintf("Run: %v", err)
		}
		return ""
	case <-time.After(bound()):
	}
	// Stuck inside a callback, or waiting for something? A callback
	// queued now tells.
	ran := make(chan struct{})
	if r.loop.CallSoonThreadSafe(func() { close(ran) }) == nil {
		select {
		case <-ran:
		case <-time.After(bound()):
			return fmt.Sprintf(stuckInCallback+"%s", bound(), r.explain())
		}
	}
	return fmt.Sprintf("Run had not returned %v later: the loop still waits for something%s", bound(), r.explain())
}

// TestSleepOrder spawns four coroutines that sleep 30, 10, 20 and 10ms, on
// a fake clock. Nothing may wake before the clock moves; then each wakes
// exactly at its deadline, the two 10ms sleepers in the order they were
// spawned. A Sleep built on time.Sleep would block the loop, and wake at
// fake time 0.
func TestSleepOrder(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	r := newRig(t, steptest.Impl(t, impls), true)
	var woke []string // appended by the coroutines, read on the loop goroutine
	for _, s := range []struct {
		name string
		d    time.Duration
	}{{"a", 30 * time.Millisecond}, {"b", 10 * time.Millisecond}, {"c", 20 * time.Millisecond}, {"d", 10 * time.Millisecond}} {
		r.hub.Spawn(s.name, func(co Co) error {
			if err := co.Sleep(s.d); err != nil {
				return err
			}
			woke = append(woke, fmt.Sprintf("%s at +%v", s.name, r.loop.Now().Sub(epoch)))
			return nil
		})
	}
	r.start()
	look := func() []string {
		var got []string
		r.onLoop(func() { got = slices.Clone(woke) })
		return got
	}
	r.settle()
	if got := look(); len(got) > 0 {
		t.Fatalf("coroutines woke before the clock moved: %q. Sleep must park on a loop timer (CallLater), "+
			"never block in time.Sleep%s", got, r.explain())
	}
	want := []string{}
	for _, step := range []struct {
		then []string
	}{
		{[]string{"b at +10ms", "d at +10ms"}},
		{[]string{"c at +20ms"}},
		{[]string{"a at +30ms"}},
	} {
		r.advance(10 * time.Millisecond)
		want = append(want, step.then...)
		if diff := cmp.Diff(want, look()); diff != "" {
			t.Fatalf("after moving the fake clock to +%v: who woke, and when (-want +got):\n%s%s",
				r.loop.Now().Sub(epoch), diff, r.explain())
		}
	}
	r.wait()
	if p := r.reported(); p != "" {
		t.Errorf("the loop reported:\n  %s", p)
	}
}

// TestKillJoin checks the basics of Kill and Join, which are written, on
// top of your park and Sleep.
func TestKillJoin(t *testing.T) {
	t.Run("KillWakesSleeper", func(t *testing.T) {
		steptest.CheckLeaks(t)
		defer hintOnFailure(t)
		v := steptest.Impl(t, impls)
		r := newRig(t, v, true)
		var log []string
		sleeper := r.hub.Spawn("sleeper", func(co Co) error {
			err := co.Sleep(time.Hour)
			log = append(log, "sleeper: Sleep returned "+kind(err, v.ErrKilled))
			return err
		})
		r.hub.Spawn("joiner", func(co Co) error {
			err := r.hub.Join(co, sleeper)
			log = append(log, "joiner: Join returned "+kind(err, v.ErrKilled))
			return nil
		})
		r.hub.Spawn("killer", func(co Co) error {
			sleeper.Kill()
			log = append(log, "killer: killed the sleeper")
			return nil
		})
		r.start()
		r.settle()
		var got []string
		r.onLoop(func() { got = slices.Clone(log) })
		want := []string{"killer: killed the sleeper", "sleeper: Sleep returned ErrKilled", "joiner: Join returned ErrKilled"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("a sleeper killed by another coroutine, joined by a third (-want +got):\n%s%s", diff, r.explain())
		}
		select {
		case <-r.ended:
			r.ended <- nil
		case <-time.After(bound()):
			t.Fatalf("every coroutine finished, but Run had not returned %v later, with the fake clock never moved: "+
				"a timer left behind by the killed Sleep keeps the loop waiting (cancel it, whatever ended the park)", bound())
		}
	})
	t.Run("KillBeforeStart", func(t *testing.T) {
		steptest.CheckLeaks(t)
		defer hintOnFailure(t)
		v := steptest.Impl(t, impls)
		r := newRig(t, v, true)
		ran := false
		never := r.hub.Spawn("never", func(co Co) error { ran = true; return nil })
		never.Kill()
		r.start()
		r.wait()
		if ran || !never.Done() || !errors.Is(never.Err(), v.ErrKilled) {
			t.Errorf("a coroutine killed before it started: ran %v, Done %v, Err %v; want false, true, ErrKilled", ran, never.Done(), never.Err())
		}
	})
	t.Run("JoinGetsTheError", func(t *testing.T) {
		steptest.CheckLeaks(t)
		defer hintOnFailure(t)
		v := steptest.Impl(t, impls)
		r := newRig(t, v, true)
		boom := errors.New("boom")
		worker := r.hub.Spawn("worker", func(co Co) error {
			if err := co.Sleep(0); err != nil {
				return err
			}
			return boom
		})
		var got []string
		r.hub.Spawn("joiner", func(co Co) error {
			for range 2 { // the second Join finds the worker finished
				got = append(got, fmt.Sprint(r.hub.Join(co, worker)))
			}
			return nil
		})
		r.start()
		r.wait()
		if diff := cmp.Diff([]string{"boom", "boom"}, got); diff != "" {
			t.Errorf("Join of a coroutine that returns boom, twice (-want +got):\n%s%s", diff, r.explain())
		}
	})
	t.Run("PanicEndsOnlyItsCoroutine", func(t *testing.T) {
		steptest.CheckLeaks(t)
		defer hintOnFailure(t)
		v := steptest.Impl(t, impls)
		r := newRig(t, v, true)
		bad := r.hub.Spawn("bad", func(co Co) error {
			if err := co.Sleep(0); err != nil {
				return err
			}
			panic("bad coroutine")
		})
		good := r.hub.Spawn("good", func(co Co) error { return co.Sleep(time.Millisecond) })
		r.start()
		r.settle()
		r.advance(time.Millisecond)
		r.wait()
		var pe *loop.PanicError
		if !errors.As(bad.Err(), &pe) || good.Err() != nil {
			t.Errorf("a coroutine panicked beside one that sleeps: their errors are %v and %v, want a *loop.PanicError and nil%s",
				bad.Err(), good.Err(), r.explain())
		}
	})
}

// kind names an error for a log: ErrKilled, nil, or the error.
func kind(err, errKilled error) string {
	switch {
	case err == nil:
		return "nil"
	case errors.Is(err, errKilled):
		return "ErrKilled"
	}
	return err.Error()
}
