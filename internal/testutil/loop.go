package testutil

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// ForEachBackend runs test once for each backend of this OS, as a subtest
// named for it ("select", "poll", "epoll", "kqueue"), or only for the one
// named by the environment variable LOOPKIT_BACKEND if it is set. Each
// subtest checks that it leaked no fd (CheckFDs).
func ForEachBackend(t *testing.T, test func(t *testing.T, backend string)) {
	t.Helper()
	backends := loop.Backends()
	if only := os.Getenv("LOOPKIT_BACKEND"); only != "" {
		backends = []string{only}
	}
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			CheckFDs(t)
			test(t, backend)
		})
	}
}

// NewLoop returns a loop on backend, closed when t ends. Its error handler
// keeps what the loop reports in the returned ErrorLog; errors the test has
// not taken with ErrorLog.Take when it ends fail it, so that no error passes
// unseen. opts are applied after the backend and the error handler.
func NewLoop(t testing.TB, backend string, opts ...loop.Option) (*loop.Loop, *ErrorLog) {
	t.Helper()
	log := &ErrorLog{}
	opts = append([]loop.Option{loop.WithBackend(backend), loop.WithErrorHandler(log.add)}, opts...)
	l, err := loop.New(opts...)
	if err != nil {
		t.Fatalf("loop.New(WithBackend(%q)): %v", backend, err)
	}
	t.Cleanup(func() {
		l.Close()
		for _, err := range log.Take() {
			t.Errorf("the loop reported an error the test did not expect: %v", err)
		}
	})
	return l, log
}

// An ErrorLog keeps the errors a loop reported to its error handler. Any
// goroutine may use it.
type ErrorLog struct {
	mu   sync.Mutex // guards errs
	errs []error
}

func (e *ErrorLog) add(err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.errs = append(e.errs, err)
}

// Take returns the errors reported since the last Take, and forgets them.
func (e *ErrorLog) Take() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	errs := e.errs
	e.errs = nil
	return errs
}

// Run runs l.Run on the calling goroutine, which becomes the loop's, and
// fails t if Run returns an error. A watchdog bounds it: if Run has not
// returned after limit (scaled by Scale), the test fails with a message and
// the watchdog stops the loop, so that the test can end and clean up. If
// even that does not make Run return (a callback is blocked and the loop
// never gets back to poll), the watchdog panics with every goroutine's
// stack: a clear message, at once, rather than go test's ten-minute timeout.
func Run(t testing.TB, l *loop.Loop, limit time.Duration) {
	t.Helper()
	limit = Scale(limit)
	returned := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		watch(t, l, limit, returned)
	}()
	err := l.Run()
	close(returned)
	<-watched
	if err != nil {
		t.Fatalf("loop Run: %v", err)
	}
}

// stopGrace is how long the watchdog waits for Run to return once it has
// stopped the loop, before it gives up on the test binary.
const stopGrace = 5 * time.Second

// watch is the watchdog of Run.
func watch(t testing.TB, l *loop.Loop, limit time.Duration, returned <-chan struct{}) {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	select {
	case <-returned:
		return
	case <-timer.C:
	}
	t.Errorf("loop still running after %v: the test hung; stopping the loop", limit)
	l.CallSoonThreadSafe(l.Stop)
	timer.Reset(Scale(stopGrace))
	select {
	case <-returned:
	case <-timer.C:
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		panic(fmt.Sprintf("testutil: %s: the loop did not return within %v of being stopped "+
			"(a callback must be blocked); goroutines:\n%s", t.Name(), stopGrace, buf[:n]))
	}
}
