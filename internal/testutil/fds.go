package testutil

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// CheckFDs makes t fail if, when t and its cleanups have finished, more fds
// are open than now: the test leaked a socket, an epoll fd, a pipe. Call it
// first in the test, so that its check runs after every other cleanup (they
// run last-in, first-out).
//
// A peer in another goroutine may close its end a moment after the test
// ends, so the check waits up to a second (scaled by Scale) for the count to
// come down before it fails, naming each extra fd and what it points to.
//
// The count comes from /proc/self/fd on Linux and /dev/fd elsewhere. Where
// neither can be read, CheckFDs checks nothing and says so in the log.
//
// Beware of io.Copy between two net.TCPConns in a peer: Go splices through
// a pipe it keeps in a pool, and the pipe's two fds outlive the test.
// EchoServer copies through a plain buffer for that reason.
func CheckFDs(t testing.TB) {
	t.Helper()
	warmUpNet()
	before, err := openFDs()
	if err != nil {
		t.Logf("CheckFDs: cannot list open fds (%v): fd leaks are not checked", err)
		return
	}
	t.Cleanup(func() {
		deadline := time.Now().Add(Scale(time.Second))
		for {
			after, err := openFDs()
			if err != nil {
				t.Errorf("CheckFDs: listing open fds after the test: %v", err)
				return
			}
			extra := extraFDs(before, after)
			if len(extra) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("CheckFDs: %d fds open before the test, %d after; leaked: %s",
					len(before), len(after), strings.Join(extra, ", "))
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// warmUpNet makes Go's runtime open the fds it keeps for the life of the
// process (the netpoller's epoll or kqueue fd and its wake-up fd) before the
// first count: a test that uses net for the first time would otherwise seem
// to leak them.
var warmUpNet = sync.OnceFunc(func() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err == nil {
		ln.Close()
	}
})

// openFDs returns the open fds of the process, each with what it points to.
func openFDs() (map[int]string, error) {
	dir := "/dev/fd"
	if runtime.GOOS == "linux" {
		dir = "/proc/self/fd"
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fds := make(map[int]string, len(entries))
	for _, e := range entries {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		target, _ := os.Readlink(dir + "/" + e.Name())
		fds[fd] = target
	}
	return fds, nil
}

// extraFDs lists the fds of after that were not open in before, or that now
// point elsewhere, as "7 (socket:[1234])". The fd ReadDir held open while it
// listed the directory is in both, so it cancels out.
func extraFDs(before, after map[int]string) []string {
	if len(after) <= len(before) {
		return nil
	}
	var extra []string
	for fd, target := range after {
		if old, ok := before[fd]; !ok || old != target {
			extra = append(extra, fmt.Sprintf("%d (%s)", fd, target))
		}
	}
	sort.Strings(extra)
	return extra
}

// RaiseFDLimit raises the soft limit on open fds (RLIMIT_NOFILE) to the
// hard limit, as a test with hundreds of connections needs, and returns the
// limit now in force. Go already does this at start-up on Linux and macOS;
// calling it again in TestMain documents the need and reports the limit.
func RaiseFDLimit() (uint64, error) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("testutil: getrlimit RLIMIT_NOFILE: %w", err)
	}
	// The fields are uint64 on Linux and macOS, int64 on FreeBSD: hence
	// the conversions.
	if lim.Cur >= lim.Max {
		return uint64(lim.Cur), nil
	}
	lim.Cur = lim.Max
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("testutil: setrlimit RLIMIT_NOFILE to %d: %w", lim.Max, err)
	}
	return uint64(lim.Cur), nil
}

// FDLimit returns the soft limit on open fds (RLIMIT_NOFILE).
func FDLimit() uint64 {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return 0
	}
	return uint64(lim.Cur)
}

// RunOutOfFDs lowers the soft limit on open fds (RLIMIT_NOFILE) to the
// lowest free fd, so that the process's next socket, accept or open fails
// with EMFILE, and returns a function that puts the limit back; a cleanup
// calls it too. Go's own runtime then cannot open fds either: keep what
// runs meanwhile short, and open what the test needs before.
func RunOutOfFDs(t testing.TB) (restore func()) {
	t.Helper()
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &old); err != nil {
		t.Fatalf("RunOutOfFDs: getrlimit: %v", err)
	}
	free, err := unix.Dup(0)
	if err != nil {
		t.Fatalf("RunOutOfFDs: dup: %v", err)
	}
	unix.Close(free)
	low := old
	low.Cur = sameType(old.Cur, uint64(free))
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &low); err != nil {
		t.Fatalf("RunOutOfFDs: setrlimit: %v", err)
	}
	restored := false
	restore = func() {
		if restored {
			return
		}
		restored = true
		if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &old); err != nil {
			t.Errorf("RunOutOfFDs: restoring the limit: %v", err)
		}
	}
	t.Cleanup(restore)
	return restore
}

// sameType converts n to the type of like: Rlimit's fields are uint64 on
// Linux and macOS, int64 on FreeBSD.
func sameType[T int64 | uint64](like T, n uint64) T { return T(n) }
