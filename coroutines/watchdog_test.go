package coroutines

import (
	"context"
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// TestTheWatchdogNamesACoroutineThatBlocks: a coroutine that blocks stalls
// the loop, whose goroutine only waits on the hand-off; the watchdog's
// report must name the coroutine and the line it blocks at, from its own
// goroutine's stack.
func TestTheWatchdogNamesACoroutineThatBlocks(t *testing.T) {
	reports := make(chan error, 10)
	h, _ := newHub(t, loop.Backends()[0], loop.WithWatchdog(20*time.Millisecond), loop.WithErrorHandler(func(err error) { reports <- err }))
	gate, line := make(chan struct{}), 0
	h.Spawn(func(ctx context.Context) error {
		_, _, at, _ := runtime.Caller(0)
		line = at + 2 // the line of <-gate
		<-gate        // stands for a blocking call: time.Sleep, a DNS lookup
		return nil
	}).SetName("sleeper")
	var stalled *loop.StalledError
	go func() {
		defer close(gate)
		select {
		case err := <-reports:
			errors.As(err, &stalled)
		case <-time.After(10 * time.Second):
		}
	}()
	mustRun(t, h)
	if stalled == nil {
		t.Fatal("the watchdog reported no *loop.StalledError while a coroutine blocked the loop")
	}
	if stalled.HandedTo != "sleeper" || filepath.Base(stalled.File) != "watchdog_test.go" || stalled.Line != line {
		t.Errorf("StalledError names %q at %s:%d, want sleeper at watchdog_test.go:%d\n%v", stalled.HandedTo, stalled.File, stalled.Line, line, stalled)
	}
	if !strings.Contains(string(stalled.Stack), "TestTheWatchdogNamesACoroutineThatBlocks") {
		t.Errorf("the stack is not the coroutine's:\n%s", stalled.Stack)
	}
}
