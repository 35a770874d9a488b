package coroutines

import (
	"context"
	"iter"
	"testing"

	"github.com/loopkit/loopkit/loop"
)

// The benchmarks measure what a park costs: one op is one round trip, in
// which each of two parties hands control to the other once. The baseline
// is the same round trip between two goroutines over unbuffered channels,
// the hand-off of tutorial step 07; the package's own is iter.Pull's, plus
// a loop iteration, and its poll call, per hand-off.
//
//	go test -run '^$' -bench 'PingPong|HandOff' -benchmem ./coroutines/

func BenchmarkPingPong(b *testing.B) {
	b.Run("channels", benchmarkChannels)
	for _, backend := range loop.Backends() {
		b.Run("sleep0/"+backend, func(b *testing.B) { benchmarkSleep0(b, backend) })
		b.Run("event/"+backend, func(b *testing.B) { benchmarkEvent(b, backend) })
	}
}

// BenchmarkHandOff splits a Sleep(ctx, 0) round trip in three: the two
// goroutine switches of a park and resume, the kit's bookkeeping around
// them, and the loop's iteration.
//
//   - switches: an op is iter.Pull's next and yield alone, to one of 1000
//     goroutines in turn: the two switches of a park and resume (the
//     loop's goroutine runs the coroutine, the coroutine hands control
//     back), with nothing of the kit around them.
//   - park: an op is one park and one resume, of one of 1000 coroutines that
//     each yield in turn; the iteration (and its poll) that runs them is
//     shared by the thousand. park minus switches is the kit's part.
//   - iteration: an op is one iteration of the loop that runs one callback:
//     the poll with timeout 0 a yield waits for, without any switch.
func BenchmarkHandOff(b *testing.B) {
	b.Run("switches", benchmarkSwitches)
	for _, backend := range loop.Backends() {
		b.Run("park/"+backend, func(b *testing.B) { benchmarkParks(b, backend) })
		b.Run("iteration/"+backend, func(b *testing.B) { benchmarkIteration(b, backend) })
	}
}

// benchmarkParks: 1000 coroutines yield, b.N times in all.
func benchmarkParks(b *testing.B, backend string) {
	const yielders = 1000
	h := benchHub(b, backend)
	for i := range yielders {
		n := b.N / yielders
		if i < b.N%yielders {
			n++
		}
		h.Spawn(func(ctx context.Context) error {
			for range n {
				if err := Sleep(ctx, 0); err != nil {
					return err
				}
			}
			return nil
		})
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := h.Run(); err != nil {
		b.Fatal(err)
	}
}

// benchmarkSwitches: 1000 goroutines made by iter.Pull, each yielding in a
// loop, resumed in turn, b.N resumes in all.
func benchmarkSwitches(b *testing.B) {
	const yielders = 1000
	nexts := make([]func() (struct{}, bool), yielders)
	for i := range nexts {
		next, stop := iter.Pull(func(yield func(struct{}) bool) {
			for yield(struct{}{}) {
			}
		})
		nexts[i] = next
		b.Cleanup(stop)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		nexts[i]()
		i = (i + 1) % yielders
	}
}

// benchmarkIteration: one callback queued and run per iteration.
func benchmarkIteration(b *testing.B, backend string) {
	l := benchHub(b, backend).Loop()
	fn := func() {}
	b.ReportAllocs()
	for b.Loop() {
		l.CallSoon(fn)
		if err := l.RunOnce(); err != nil {
			b.Fatal(err)
		}
	}
}

// benchmarkChannels: goroutine A sends to B, B sends back.
func benchmarkChannels(b *testing.B) {
	ping, pong := make(chan struct{}), make(chan struct{})
	go func() {
		for range ping {
			pong <- struct{}{}
		}
	}()
	b.ReportAllocs()
	for b.Loop() {
		ping <- struct{}{}
		<-pong
	}
	close(ping)
}

// benchmarkSleep0: two coroutines yield to each other with Sleep(ctx, 0).
func benchmarkSleep0(b *testing.B, backend string) {
	h := benchHub(b, backend)
	n := b.N
	for range 2 {
		h.Spawn(func(ctx context.Context) error {
			for range n {
				if err := Sleep(ctx, 0); err != nil {
					return err
				}
			}
			return nil
		})
	}
	b.ReportAllocs()
	b.ResetTimer()
	if err := h.Run(); err != nil {
		b.Fatal(err)
	}
}

// benchmarkEvent: A sets B's event and waits on its own; B does the same.
func benchmarkEvent(b *testing.B, backend string) {
	h := benchHub(b, backend)
	n := b.N
	var ping, pong Event
	h.Spawn(func(ctx context.Context) error {
		for range n {
			ping.Set()
			if err := pong.Wait(ctx); err != nil {
				return err
			}
			pong.Clear()
		}
		return nil
	})
	h.Spawn(func(ctx context.Context) error {
		for range n {
			if err := ping.Wait(ctx); err != nil {
				return err
			}
			ping.Clear()
			pong.Set()
		}
		return nil
	})
	b.ReportAllocs()
	b.ResetTimer()
	if err := h.Run(); err != nil {
		b.Fatal(err)
	}
}

func benchHub(b *testing.B, backend string) *Hub {
	b.Helper()
	l, err := loop.New(loop.WithBackend(backend))
	if err != nil {
		b.Fatal(err)
	}
	h := NewHub(l)
	b.Cleanup(func() { h.Close(); l.Close() })
	return h
}
