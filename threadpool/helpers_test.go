package threadpool

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

// newPool returns a loop on backend, closed when t ends, and a pool on it.
func newPool(t *testing.T, backend string, opts ...Option) (*loop.Loop, *testutil.ErrorLog, *Pool) {
	t.Helper()
	l, log := testutil.NewLoop(t, backend)
	p, err := New(l, opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return l, log, p
}

// checkWorkersEnd fails t if, once t and its other cleanups are done, a
// worker goroutine of any pool is still running. Call it first in the test,
// so that its check runs last. Workers end on their own a moment after the
// queue empties, so it waits up to a second (scaled) before it fails.
func checkWorkersEnd(t *testing.T) {
	t.Helper()
	t.Cleanup(func() {
		deadline := time.Now().Add(testutil.Scale(time.Second))
		for n := workerGoroutines(); n > 0; n = workerGoroutines() {
			if time.Now().After(deadline) {
				t.Errorf("%d worker goroutine(s) still running after the test: workers must end when the queue is empty", n)
				return
			}
			time.Sleep(time.Millisecond)
		}
	})
}

// workerGoroutines counts the goroutines running a pool's worker.
func workerGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "threadpool.(*Pool).work(")
}

// A gate holds works until the test opens it.
type gate struct {
	started chan struct{} // one send per work that began
	open    chan struct{}
}

func newGate() *gate {
	return &gate{started: make(chan struct{}, 100), open: make(chan struct{})}
}

// work is a work function that says it began, then waits for the gate.
func (g *gate) work() {
	g.started <- struct{}{}
	<-g.open
}

// waitStarted waits until n works have begun, or fails t after a bound.
func (g *gate) waitStarted(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		select {
		case <-g.started:
		case <-time.After(testutil.Scale(5 * time.Second)):
			t.Fatalf("%d of %d works began within the bound", i, n)
		}
	}
}

// goroutineID returns the calling goroutine's number, from the first line
// of its stack, "goroutine 7 [running]:".
func goroutineID() uint64 {
	buf := make([]byte, 64)
	buf = buf[:runtime.Stack(buf, false)]
	id, _ := strconv.ParseUint(strings.Fields(strings.TrimPrefix(string(buf), "goroutine "))[0], 10, 64)
	return id
}
