package steptest

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// TestIdleWatchAndDetectors runs a kit loop with nothing to do but a hold
// on an IdleWatch: Idle must see it asleep in Wait(-1), and a CallSoon
// from this goroutine meanwhile must reach the Detectors as a
// WrongGoroutineError, worded with its first line, and be passed on.
func TestIdleWatchAndDetectors(t *testing.T) {
	for _, backend := range loop.Backends() {
		t.Run(backend, func(t *testing.T) {
			p, err := loop.NewPoller(backend)
			if err != nil {
				t.Fatal(err)
			}
			w := WatchIdle(p)
			var mu sync.Mutex
			var passed []string
			d := NewDetectors(func(err error) { mu.Lock(); passed = append(passed, err.Error()); mu.Unlock() })
			l, err := loop.New(loop.WithPoller(w), loop.WithErrorHandler(d.Handle))
			if err != nil {
				p.Close()
				t.Fatal(err)
			}
			defer l.Close()
			release := l.Hold() // Run goes on with nothing else to wait for
			done := make(chan error, 1)
			go func() { done <- l.Run() }()

			if !Within(5*time.Second, w.Idle()) {
				t.Fatal("the loop, holding and idle, was not seen asleep in Wait(-1) within 5s")
			}
			ran := make(chan struct{})
			l.CallSoon(func() { close(ran) }) // the mistake: this is not the loop goroutine
			if !Within(5*time.Second, ran) {
				t.Fatal("the callback given to CallSoon from another goroutine did not run within 5s")
			}
			got, ok := d.WrongGoroutine()
			if !ok || !strings.HasPrefix(got, "loop: CallSoon called from another goroutine") || strings.Contains(got, "[running]") {
				t.Errorf("Detectors.WrongGoroutine() = %q, %v; want the kit's first line, without the stack", got, ok)
			}
			mu.Lock()
			if len(passed) != 1 || passed[0] != got {
				t.Errorf("Detectors passed on %q, want the same report once", passed)
			}
			mu.Unlock()
			if d.Stalls() != "" {
				t.Errorf("Detectors.Stalls() = %q with no watchdog, want nothing", d.Stalls())
			}
			l.CallSoonThreadSafe(release)
			if err := <-done; err != nil {
				t.Errorf("Run() = %v, want nil once released", err)
			}
		})
	}
}
