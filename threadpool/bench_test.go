package threadpool

import (
	"testing"

	"github.com/loopkit/loopkit/loop"
)

// BenchmarkRoundTrip measures one round trip of a work: queued from the
// loop, run on a worker, its done back on the loop, one at a time (each
// done queues the next). The work does nothing, so what is measured is the
// hand-off. Beside it, the floor: a plain goroutine started from the loop
// that hands back with CallSoonThreadSafe, as tutorial step 11 does by hand.
//
//	go test -run '^$' -bench RoundTrip -benchtime 200000x ./threadpool/
//
// asyncio's run_in_executor, for comparison, measured the same way:
//
//	import asyncio, time
//	async def main(n=100_000):
//	    loop = asyncio.get_running_loop()
//	    start = time.perf_counter()
//	    for _ in range(n):
//	        await loop.run_in_executor(None, lambda: None)
//	    print(f"{(time.perf_counter() - start) / n * 1e9:.0f} ns/op")
//	asyncio.run(main())
func BenchmarkRoundTrip(b *testing.B) {
	b.Run("pool", func(b *testing.B) {
		l, p := benchPool(b)
		n := 0
		var next func(error)
		next = func(error) {
			n++
			if n < b.N {
				p.Submit(nothing, next)
			}
		}
		b.ResetTimer()
		p.Submit(nothing, next)
		if err := l.Run(); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("goroutine", func(b *testing.B) {
		l, _ := benchPool(b)
		release := l.Hold()
		n := 0
		var next func()
		next = func() {
			n++
			if n == b.N {
				release()
				return
			}
			go func() {
				nothing()
				l.CallSoonThreadSafe(next)
			}()
		}
		b.ResetTimer()
		l.CallSoon(next)
		if err := l.Run(); err != nil {
			b.Fatal(err)
		}
	})
}

func nothing() {}

// benchPool returns a loop on the default backend and a pool on it.
func benchPool(b *testing.B) (*loop.Loop, *Pool) {
	b.Helper()
	l, err := loop.New()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	p, err := New(l)
	if err != nil {
		b.Fatal(err)
	}
	return l, p
}
