package loop_test

import (
	"sync"
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// BenchmarkCallSoon measures callbacks per second through the ready queue:
// each op is one callback queued and run, in batches of 1000 per iteration.
func BenchmarkCallSoon(b *testing.B) {
	for _, backend := range loop.Backends() {
		b.Run(backend, func(b *testing.B) {
			l, err := loop.New(loop.WithBackend(backend))
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			fn := func() {}
			b.ReportAllocs()
			for i := 0; i < b.N; {
				for j := 0; j < 1000 && i < b.N; j, i = j+1, i+1 {
					l.CallSoon(fn)
				}
				if err := l.RunOnce(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTimers compares the loop's timers with the runtime's: each op
// schedules one timer that fires, 1000 at a time. For the loop, firing means
// RunOnce ran it; for time.AfterFunc, that its goroutine ran it. A second
// pair schedules and cancels.
func BenchmarkTimers(b *testing.B) {
	b.Run("loop/fire", func(b *testing.B) {
		l, err := loop.New()
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		fired := 0
		fn := func() { fired++ }
		b.ReportAllocs()
		for i := 0; i < b.N; {
			for j := 0; j < 1000 && i < b.N; j, i = j+1, i+1 {
				l.CallLater(0, fn)
			}
			for l.RunOnce() == nil && fired < i {
			}
		}
	})
	b.Run("AfterFunc/fire", func(b *testing.B) {
		var wg sync.WaitGroup
		fn := func() { wg.Done() }
		b.ReportAllocs()
		for i := 0; i < b.N; {
			for j := 0; j < 1000 && i < b.N; j, i = j+1, i+1 {
				wg.Add(1)
				time.AfterFunc(0, fn)
			}
			wg.Wait()
		}
	})
	b.Run("loop/cancel", func(b *testing.B) {
		l, err := loop.New()
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		fn := func() {}
		b.ReportAllocs()
		for range b.N {
			l.CallLater(time.Hour, fn).Cancel()
		}
	})
	b.Run("AfterFunc/cancel", func(b *testing.B) {
		fn := func() {}
		b.ReportAllocs()
		for range b.N {
			time.AfterFunc(time.Hour, fn).Stop()
		}
	})
}

// BenchmarkWakeUp measures CallSoonThreadSafe from another goroutine to a
// loop asleep in poll: a round trip through the wake-up fd.
func BenchmarkWakeUp(b *testing.B) {
	for _, backend := range loop.Backends() {
		b.Run(backend, func(b *testing.B) {
			l, err := loop.New(loop.WithBackend(backend))
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			release := l.Hold()
			pong := make(chan struct{})
			go func() {
				for range b.N {
					l.CallSoonThreadSafe(func() { pong <- struct{}{} })
					<-pong
				}
				l.CallSoonThreadSafe(release)
			}()
			if err := l.Run(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
