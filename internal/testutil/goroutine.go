package testutil

import (
	"runtime"
	"testing"
	"time"
)

// Go runs peer in a new goroutine: the independent side of a test (a net
// client or server) that runs while the loop runs on the test goroutine.
// wait blocks until peer returns and gives its error; if peer has not
// returned within a time bound (scaled by Scale), wait fails the test. A
// cleanup waits for peer too, so it never outlives the test. Give the
// peer's net conns deadlines (Deadline) so that it cannot hang.
func Go(t testing.TB, peer func() error) (wait func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- peer() }()
	var err error
	finished := false
	wait = func() error {
		t.Helper()
		if finished {
			return err
		}
		select {
		case err = <-done:
			finished = true
		case <-time.After(Scale(peerLimit)):
			t.Fatalf("the test's peer goroutine did not finish within %v", Scale(peerLimit))
		}
		return err
	}
	t.Cleanup(func() {
		if !finished {
			select {
			case err = <-done:
				finished = true
			case <-time.After(Scale(peerLimit)):
				t.Errorf("the test's peer goroutine did not finish within %v", Scale(peerLimit))
			}
		}
	})
	return wait
}

// peerLimit bounds how long a test waits for its peer goroutine.
const peerLimit = 20 * time.Second

// Deadline returns a time a little in the future (10 s, scaled by Scale), to
// give a peer's net.Conn with SetDeadline: a peer blocked on a read that
// will never complete fails with a timeout instead of hanging the test.
func Deadline() time.Time {
	return time.Now().Add(Scale(10 * time.Second))
}

// CheckGoroutines fails t if, once it and its cleanups are done, more
// goroutines run than before, with every goroutine's stack: a package that
// starts goroutines of its own (a signal's relay, a pool's workers) must
// end them. Call it first, after starting whatever the process keeps for
// good (os/signal's goroutine), so that it is not counted.
func CheckGoroutines(t testing.TB) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(Scale(2 * time.Second))
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if now := runtime.NumGoroutine(); now > before {
			buf := make([]byte, 1<<16)
			t.Errorf("%d goroutines before the test, %d after:\n%s", before, now, buf[:runtime.Stack(buf, true)])
		}
	})
}
