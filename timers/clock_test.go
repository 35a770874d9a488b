package timers_test

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/timers"
)

var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// The loop finds a clock's abilities by type assertion, so the types must
// keep them.
var (
	_ timers.Clock    = timers.Real{}
	_ timers.Notifier = (*timers.Fake)(nil)
)

func TestFakeAdvance(t *testing.T) {
	tests := []struct {
		name       string
		advance    []time.Duration
		want       time.Duration // Now() - epoch at the end
		wantNotify int           // calls of a function given to Notify
	}{
		{name: "no move", advance: nil, want: 0, wantNotify: 0},
		{name: "one move", advance: []time.Duration{time.Second}, want: time.Second, wantNotify: 1},
		{name: "moves add up", advance: []time.Duration{time.Millisecond, time.Hour, time.Nanosecond}, want: time.Hour + time.Millisecond + time.Nanosecond, wantNotify: 3},
		{name: "zero notifies", advance: []time.Duration{0, 0}, want: 0, wantNotify: 2},
		{name: "negative is ignored", advance: []time.Duration{-time.Second}, want: 0, wantNotify: 0},
		{name: "negative between moves", advance: []time.Duration{time.Second, -time.Hour, time.Second}, want: 2 * time.Second, wantNotify: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := timers.NewFake(epoch)
			notified := 0
			clock.Notify(func() { notified++ })
			for _, d := range tt.advance {
				clock.Advance(d)
			}
			if got := clock.Now().Sub(epoch); got != tt.want {
				t.Errorf("Now() = epoch + %v, want epoch + %v", got, tt.want)
			}
			if notified != tt.wantNotify {
				t.Errorf("Notify function called %d times, want %d", notified, tt.wantNotify)
			}
		})
	}
}

// TestFakeNotifySeesNewTime checks that every function given to Notify runs
// after the move, in registration order, and may read the clock (so Advance
// does not hold its lock while calling them).
func TestFakeNotifySeesNewTime(t *testing.T) {
	clock := timers.NewFake(epoch)
	var got []string
	for _, name := range []string{"first", "second"} {
		clock.Notify(func() { got = append(got, name+" at "+clock.Now().Sub(epoch).String()) })
	}
	clock.Advance(time.Second)
	clock.Advance(time.Minute)
	want := []string{"first at 1s", "second at 1s", "first at 1m1s", "second at 1m1s"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notifications (-want +got):\n%s", diff)
	}
}

// TestFakeNotifyLateRegistration checks that a function given to Notify
// sees only the moves after it was given.
func TestFakeNotifyLateRegistration(t *testing.T) {
	clock := timers.NewFake(epoch)
	var early, late int
	clock.Notify(func() { early++ })
	clock.Advance(time.Second)
	clock.Notify(func() { late++ })
	clock.Advance(time.Second)
	if early != 2 || late != 1 {
		t.Errorf("notifications: early %d, late %d; want 2, 1", early, late)
	}
}

func TestFakeNotifyNilPanics(t *testing.T) {
	clock := timers.NewFake(epoch)
	defer func() {
		if recover() == nil {
			t.Errorf("Notify(nil) did not panic")
		}
		clock.Advance(time.Second) // a nil must not have been registered
	}()
	clock.Notify(nil)
}

// TestFakeConcurrentAdvance moves one Fake from many goroutines while
// others read it and register functions; run with -race. No move may be
// lost, and every move notifies.
func TestFakeConcurrentAdvance(t *testing.T) {
	const goroutines, moves = 8, 200
	clock := timers.NewFake(epoch)
	var notified atomic.Int64
	clock.Notify(func() { notified.Add(1) })

	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range moves {
				clock.Advance(time.Millisecond)
			}
		})
		wg.Go(func() {
			last := clock.Now()
			for range moves {
				now := clock.Now()
				if now.Before(last) {
					t.Errorf("Now() went back from %v to %v", last, now)
					return
				}
				last = now
			}
		})
		wg.Go(func() { clock.Notify(func() {}) })
	}
	wg.Wait()

	if got, want := clock.Now().Sub(epoch), goroutines*moves*time.Millisecond; got != want {
		t.Errorf("Now() after %d concurrent moves of 1ms = epoch + %v, want epoch + %v", goroutines*moves, got, want)
	}
	if got, want := notified.Load(), int64(goroutines*moves); got != want {
		t.Errorf("Notify function called %d times, want %d", got, want)
	}
}

// TestRealIsMonotonic reads Real many times in a row, without sleeping: no
// reading may be before the one preceding it, and each carries Go's
// monotonic clock reading (which time.Time's String shows as "m=").
func TestRealIsMonotonic(t *testing.T) {
	var clock timers.Clock = timers.Real{}
	if _, ok := clock.(timers.Notifier); ok {
		t.Fatalf("Real is a Notifier: a loop on it would never sleep until a timer's deadline")
	}
	last := clock.Now()
	if !strings.Contains(last.String(), " m=") {
		t.Errorf("Real.Now() = %v has no monotonic reading", last)
	}
	for range 1000 {
		now := clock.Now()
		if now.Before(last) {
			t.Fatalf("Real.Now() went back from %v to %v", last, now)
		}
		last = now
	}
	if d := time.Since(last); d < 0 || d > time.Minute {
		t.Errorf("Real.Now() is %v away from time.Now()", d)
	}
}
