package steptest

import (
	"bytes"
	"fmt"
	"maps"
	"net"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// CheckLeaks fails t if, once the test and its cleanups are done, more fds
// are open or more goroutines run than when CheckLeaks was called: a socket
// never closed, a goroutine still blocked in read. Call it first in the
// test, so that its check runs after every other cleanup (cleanups run
// last-in, first-out).
//
// Whatever the test started may take a moment to end, so the check waits
// up to 2s (scaled) for the counts to come down. It names each leaked fd
// with what it points to, and each leaked goroutine with its stack. A test
// that failed already is not checked: a server that panicked leaks its
// connection as a side effect, and the panic is the news.
func CheckLeaks(t testing.TB) {
	t.Helper()
	warmUp()
	fdsBefore, fdErr := openFDs()
	goBefore := goroutines()
	t.Cleanup(func() {
		if t.Failed() {
			return
		}
		deadline := time.Now().Add(Scale(2 * time.Second))
		for {
			var extraFDs map[int]string
			if fdErr == nil {
				after, err := openFDs()
				if err != nil {
					t.Errorf("CheckLeaks: %v", err)
					return
				}
				extraFDs = newFDs(fdsBefore, after)
			}
			extraGo := newGoroutines(goBefore, goroutines())
			if len(extraFDs) == 0 && len(extraGo) == 0 {
				return
			}
			if time.Now().After(deadline) {
				reportLeaks(t, extraFDs, extraGo)
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func reportLeaks(t testing.TB, fds map[int]string, gs map[int]string) {
	t.Helper()
	if len(fds) > 0 {
		var names []string
		for _, fd := range slices.Sorted(maps.Keys(fds)) {
			names = append(names, fmt.Sprintf("%d (%s)", fd, fds[fd]))
		}
		t.Errorf("leaked %d fd(s), still open after the test: %s\n  every fd accepted or opened must be closed when its client is done",
			len(fds), strings.Join(names, ", "))
	}
	if len(gs) > 0 {
		var stacks []string
		for _, id := range slices.Sorted(maps.Keys(gs)) {
			stacks = append(stacks, gs[id])
		}
		t.Errorf("leaked %d goroutine(s), still running after the test:\n%s", len(gs), strings.Join(stacks, "\n\n"))
	}
}

// warmUp makes the Go runtime open the fds it keeps for the life of the
// process (its own netpoller's epoll or kqueue fd and wake-up fd) before
// the first count, so that the first test to use package net does not seem
// to leak them.
var warmUp = sync.OnceFunc(func() {
	if ln, err := net.Listen("tcp", "127.0.0.1:0"); err == nil {
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
		return nil, fmt.Errorf("cannot list open fds: %w", err)
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

// newFDs returns the fds of after that were not open in before, or now
// point elsewhere: a number closed and reused during the test names a new
// file, still open.
func newFDs(before, after map[int]string) map[int]string {
	out := map[int]string{}
	for fd, target := range after {
		// A target that could not be read is the listing's own fd, closed
		// by the time its link was read.
		if old, ok := before[fd]; target != "" && (!ok || old != target) {
			out[fd] = target
		}
	}
	return out
}

// goroutines returns the stacks of every goroutine, by id.
func goroutines() map[int]string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := map[int]string{}
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		header, _, _ := strings.Cut(string(g), "\n")
		var id int
		if _, err := fmt.Sscanf(header, "goroutine %d ", &id); err == nil {
			out[id] = string(g)
		}
	}
	return out
}

// newGoroutines returns the goroutines of after that were not in before,
// leaving out those the runtime starts for itself once (signal handling).
func newGoroutines(before, after map[int]string) map[int]string {
	out := map[int]string{}
	for id, stack := range after {
		if _, ok := before[id]; ok || strings.Contains(stack, "os/signal.") || strings.Contains(stack, "runtime.ensureSigM") {
			continue
		}
		out[id] = stack
	}
	return out
}
