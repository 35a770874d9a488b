package loop_test

import (
	"testing"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/loop/looptest"
)

// newKitLoop is the constructor TestLoop gets: the kit's own loop on the
// poller, clock and error handler the suite gives it.
func newKitLoop(cfg looptest.Config) (looptest.Loop, error) {
	return loop.New(loop.WithPoller(cfg.Poller), loop.WithClock(cfg.Clock), loop.WithErrorHandler(cfg.OnError))
}

// TestLoop runs the conformance suite against the kit's loop on every backend.
func TestLoop(t *testing.T) {
	for _, backend := range loop.Backends() {
		t.Run(backend, func(t *testing.T) {
			t.Setenv("LOOPKIT_BACKEND", backend)
			looptest.TestLoop(t, newKitLoop)
		})
	}
}
