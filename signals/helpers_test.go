package signals

import (
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/loopkit/loopkit/internal/testutil"
	"golang.org/x/sys/unix"
)

// checkLeaks fails t if, once it and its cleanups are done, more fds are
// open or more goroutines run than before. Call it first.
func checkLeaks(t *testing.T) {
	t.Helper()
	testutil.CheckFDs(t)
	warmUpSignals()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(testutil.Scale(2 * time.Second))
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if now := runtime.NumGoroutine(); now > before {
			buf := make([]byte, 1<<16)
			t.Errorf("%d goroutines before the test, %d after:\n%s", before, now, buf[:runtime.Stack(buf, true)])
		}
	})
}

// warmUpSignals starts the goroutine os/signal keeps for the life of the
// process, so that the first test to handle a signal does not seem to leak
// it.
var warmUpSignals = sync.OnceFunc(func() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGWINCH)
	signal.Stop(ch)
})

// raise sends sig to this process, as kill -SIG from a shell would.
func raise(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := unix.Kill(os.Getpid(), sig); err != nil {
		t.Fatalf("kill(%d, %v): %v", os.Getpid(), sig, err)
	}
}
