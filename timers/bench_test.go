package timers_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/loopkit/loopkit/timers"
)

// The benchmarks compare the loop's Heap with the Go runtime's timers
// (time.AfterFunc) doing the same work on the same machine: a timeout set
// and cancelled (the common case for I/O), and a timer set and fired. Each
// runs with other timers already pending, since Schedule and Cancel cost
// O(log n) in the heap's size.
//
// The two are not equal in what they do. Heap.Schedule only records the
// timer; the loop fires it on its own goroutine. A fired time.AfterFunc
// starts a goroutine for its function, and the benchmark waits for it on a
// channel, which is what a program pays to get the call back onto its own
// goroutine. The runtime's timers are also safe for concurrent use, the
// Heap is not. (This file is the one place in the kit that uses
// time.AfterFunc, as the baseline it is measured against.)

// pendingSizes are the numbers of timers already pending: a busy server
// with a thousand connections, and one with a hundred thousand.
var pendingSizes = []int{1_000, 100_000}

// nop is the timers' function; a package variable, so no closure is
// allocated per operation.
var nop = func() {}

func BenchmarkHeap(b *testing.B) {
	for _, n := range pendingSizes {
		b.Run(fmt.Sprintf("ScheduleCancel/pending=%d", n), func(b *testing.B) {
			// Each timer lands at a random place among the pending ones,
			// as a timeout does.
			h, now := pendingHeap(n)
			offsets := randomOffsets(n)
			i := 0
			for b.Loop() {
				t := h.Schedule(now.Add(time.Hour+offsets[i%len(offsets)]), nop)
				t.Cancel()
				i++
			}
		})
		b.Run(fmt.Sprintf("ScheduleFire/pending=%d", n), func(b *testing.B) {
			// Each timer is due now, before every pending one, so it
			// sifts all the way up on Schedule and PopDue sifts the
			// last timer all the way down: the worst case of both.
			h, now := pendingHeap(n)
			fired := 0
			count := func() { fired++ }
			for b.Loop() {
				h.Schedule(now, count)
				t := h.PopDue(now)
				if fn := t.Fire(); fn != nil {
					fn()
				}
			}
			if fired != b.N {
				b.Fatalf("fired %d timers, want %d", fired, b.N)
			}
		})
	}
}

func BenchmarkAfterFunc(b *testing.B) {
	for _, n := range pendingSizes {
		b.Run(fmt.Sprintf("ScheduleCancel/pending=%d", n), func(b *testing.B) {
			stop := pendingAfterFuncs(b, n)
			defer stop()
			offsets := randomOffsets(n)
			i := 0
			for b.Loop() {
				t := time.AfterFunc(time.Hour+offsets[i%len(offsets)], nop)
				t.Stop()
				i++
			}
		})
		b.Run(fmt.Sprintf("ScheduleFire/pending=%d", n), func(b *testing.B) {
			stop := pendingAfterFuncs(b, n)
			defer stop()
			fired := make(chan struct{})
			signal := func() { fired <- struct{}{} }
			for b.Loop() {
				time.AfterFunc(0, signal)
				<-fired
			}
		})
	}
}

// pendingHeap returns a heap holding n timers due between one and two
// hours after the time it returns, so none falls due during a benchmark.
func pendingHeap(n int) (*timers.Heap, time.Time) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var h timers.Heap
	for _, d := range randomOffsets(n) {
		h.Schedule(now.Add(time.Hour+d), nop)
	}
	return &h, now
}

// pendingAfterFuncs starts n runtime timers that fire in one to two hours,
// and returns a function that stops them.
func pendingAfterFuncs(b *testing.B, n int) (stop func()) {
	b.Helper()
	pending := make([]*time.Timer, n)
	for i, d := range randomOffsets(n) {
		pending[i] = time.AfterFunc(time.Hour+d, nop)
	}
	return func() {
		for _, t := range pending {
			t.Stop()
		}
	}
}

// randomOffsets returns n durations under an hour, the same on every run,
// so both benchmarks see the same deadlines.
func randomOffsets(n int) []time.Duration {
	rng := rand.New(rand.NewPCG(1, 2))
	offsets := make([]time.Duration, n)
	for i := range offsets {
		offsets[i] = time.Duration(rng.Int64N(int64(time.Hour)))
	}
	return offsets
}
