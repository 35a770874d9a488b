package timers_test

import (
	"fmt"
	"time"

	"github.com/loopkit/loopkit/timers"
)

// ExampleHeap runs the timer phase of a loop by hand: schedule timers on a
// fake clock, move the clock, pop what is due and fire it. The two timers
// due at 2s come out in the order they were scheduled.
func ExampleHeap() {
	clock := timers.NewFake(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	var h timers.Heap
	after := func(d time.Duration, name string) {
		h.Schedule(clock.Now().Add(d), func() { fmt.Println("run", name) })
	}
	after(2*time.Second, "second (scheduled first)")
	after(1*time.Second, "first")
	after(2*time.Second, "third (tie, scheduled last)")
	after(time.Hour, "much later")

	// One iteration of the loop's timer phase, every second.
	for range 3 {
		clock.Advance(time.Second)
		fmt.Println("at", clock.Now().Format(time.TimeOnly))
		var due []*timers.Timer
		for t := h.PopDue(clock.Now()); t != nil; t = h.PopDue(clock.Now()) {
			due = append(due, t)
		}
		for _, t := range due {
			if fn := t.Fire(); fn != nil {
				fn()
			}
		}
	}
	fmt.Println("pending:", h.Len(), "next at", h.Peek().When().Format(time.TimeOnly))
	// Output:
	// at 00:00:01
	// run first
	// at 00:00:02
	// run second (scheduled first)
	// run third (tie, scheduled last)
	// at 00:00:03
	// pending: 1 next at 01:00:00
}

// ExampleTimer_Cancel shows the promise the loop keeps: a timer cancelled
// by an earlier callback of the same iteration never runs, even though it
// was already taken out of the heap as due.
func ExampleTimer_Cancel() {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var h timers.Heap
	var b *timers.Timer
	h.Schedule(now, func() {
		fmt.Println("a runs and cancels b:", b.Cancel())
	})
	b = h.Schedule(now, func() { fmt.Println("b runs") })

	due := []*timers.Timer{h.PopDue(now), h.PopDue(now)} // both are due
	for _, t := range due {
		if fn := t.Fire(); fn != nil {
			fn()
		}
	}
	fmt.Println("b cancelled:", b.Cancelled(), "- cancel again:", b.Cancel())
	// Output:
	// a runs and cancels b: true
	// b cancelled: true - cancel again: false
}

// ExampleFake shows a fake clock: it moves only when told to, and tells
// whoever asked (a loop registers its wake-up) after every move.
func ExampleFake() {
	clock := timers.NewFake(time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC))
	clock.Notify(func() { fmt.Println("moved to", clock.Now().Format(time.TimeOnly)) })

	fmt.Println("now", clock.Now().Format(time.TimeOnly))
	clock.Advance(90 * time.Second)
	clock.Advance(-time.Hour) // ignored: time does not run backwards
	clock.Advance(30 * time.Second)
	// Output:
	// now 12:00:00
	// moved to 12:01:30
	// moved to 12:02:00
}
