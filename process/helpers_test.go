package process

import (
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// forEachWatch runs test for each exit watch of this OS, on each backend,
// checking that it leaked no fd, goroutine or zombie.
func forEachWatch(t *testing.T, test func(t *testing.T, l *loop.Loop, w Watch)) {
	t.Helper()
	watches := []Watch{SIGCHLD}
	if runtime.GOOS == "linux" {
		watches = []Watch{PidFD, SIGCHLD}
	}
	names := map[Watch]string{PidFD: "PidFD", SIGCHLD: "SIGCHLD"}
	for _, w := range watches {
		t.Run(names[w], func(t *testing.T) {
			testutil.ForEachBackend(t, func(t *testing.T, backend string) {
				checkGoroutines(t)
				l, _ := testutil.NewLoop(t, backend)
				test(t, l, w)
			})
		})
	}
}

// checkGoroutines fails t if, once it and its cleanups are done, more
// goroutines run than before. Call it first.
func checkGoroutines(t *testing.T) {
	t.Helper()
	warmUpSignals()
	testutil.CheckGoroutines(t)
}

// warmUpSignals starts the goroutine os/signal keeps for the life of the
// process, so that the first test to handle SIGCHLD does not seem to leak
// it.
var warmUpSignals = sync.OnceFunc(func() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGCHLD)
	signal.Stop(ch)
})

// checkReaped fails t if pid is still a process (a zombie, unreaped).
func checkReaped(t *testing.T, pid int) {
	t.Helper()
	if err := unix.Kill(pid, 0); err != unix.ESRCH {
		t.Errorf("kill(%d, 0) = %v after the exit was reported, want ESRCH: the child was not reaped (a zombie)", pid, err)
	}
}

// collect appends what a pipe's OnRead gets to out, "<EOF>" at the end.
func collect(out *strings.Builder) func([]byte, error) {
	return func(data []byte, err error) {
		if err != nil {
			out.WriteString("<" + err.Error() + ">")
			return
		}
		out.Write(data)
	}
}
