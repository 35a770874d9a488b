package signals

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
	"testing"

	"github.com/loopkit/loopkit/internal/testutil"
	"golang.org/x/sys/unix"
)

// checkLeaks fails t if, once it and its cleanups are done, more fds are
// open or more goroutines run than before. Call it first.
func checkLeaks(t *testing.T) {
	t.Helper()
	testutil.CheckFDs(t)
	warmUpSignals()
	testutil.CheckGoroutines(t)
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
