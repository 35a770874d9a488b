package main

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/loopserver"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// The checks of step 13. go test ./tutorials/13-n-to-m checks your
// loops.go; LOOPKIT_IMPL=solution checks the reference. Your Serve runs
// an echo server of the check's own on each loop (loopserver.ServeCallbacks),
// which notes the loop it belongs to, the OS thread each of its callbacks
// runs on, and when its Close is called. The loops use the backend
// LOOPKIT_BACKEND names (the best of this OS by default). Fds and
// goroutines are counted before and after: a loop left running is a
// failure.

// TestConnectionsSpreadOverLoops starts two loops and connects clients one
// after another, each doing one echo and leaving, until the connections
// have landed on both loops. The kernel chooses, by a hash of each
// connection's addresses and ports, so it takes a few tries; the bound is
// a number of tries, far more than needed, never a time.
func TestConnectionsSpreadOverLoops(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	const loops, maxTries = 2, 200
	u := start(t, steptest.Impl(t, impls), loops)
	bound := steptest.Scale(2 * time.Second)
	for try := 1; try <= maxTries && u.loopsWithConns() < loops; try++ {
		c := steptest.Dial(t, u.srv, fmt.Sprintf("client %d", try))
		if got, err := c.RoundTrip("hi\n", bound); err != nil || got != "hi\n" {
			t.Fatalf("%v (got %q)%s", err, got, u.srv.Explain())
		}
		c.Close()
	}
	if n := u.loopsWithConns(); n < loops {
		t.Fatalf("%d clients connected one after another, and all landed on the same loop (connections per loop: %s): "+
			"does every loop listen on the same port with a socket of its own (serve's reusePort true)?\n  hint: %s",
			maxTries, u.connsPerLoop(), "tutorials/13-n-to-m/hints.md#startloop-h1")
	}
	t.Logf("connections per loop: %s", u.connsPerLoop())
}

// TestEachLoopKeepsItsThread starts two loops and checks that each runs on
// an OS thread of its own, and only there: serve, every callback, and a
// probe callback that gives the loop's goroutine every chance to move. The
// probe blocks in a system call (nanosleep) while other goroutines keep
// every CPU of Go's scheduler busy: a goroutine that is not locked to its
// thread comes back from such a call on whichever thread is free, and one
// that is locked comes back on its own (Linux only: it needs gettid).
func TestEachLoopKeepsItsThread(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	const loops = 2
	u := start(t, steptest.Impl(t, impls), loops)
	if _, ok := threadID(); !ok {
		t.Skipf("the rest of this check needs gettid(2), which %s does not have", runtime.GOOS)
	}
	bound := steptest.Scale(2 * time.Second)
	for i := range 8 { // a few callbacks on whichever loops the kernel picks
		c := steptest.Dial(t, u.srv, fmt.Sprintf("client %d", i+1))
		if _, err := c.RoundTrip("hi\n", bound); err != nil {
			t.Fatalf("%v%s", err, u.srv.Explain())
		}
	}
	u.probeThreads(t, bound)

	threads := map[int]int{} // thread -> loop
	for _, rec := range u.records() {
		if moved := rec.movedReport(); moved != "" {
			t.Fatalf("loop %d's goroutine moved between OS threads: %s.\n"+
				"  Lock the loop's goroutine to its thread (runtime.LockOSThread) before it makes the loop and calls serve.\n"+
				"  hint: tutorials/13-n-to-m/hints.md#startloop-h2", rec.number, moved)
		}
		if other, ok := threads[rec.thread]; ok {
			t.Fatalf("loops %d and %d both run on OS thread %d: each loop needs a goroutine, and a thread, of its own",
				other, rec.number, rec.thread)
		}
		threads[rec.thread] = rec.number
	}
}

// TestCloseStopsEveryLoop starts three loops, leaves a few clients
// connected, and closes: Close must return nil, having closed each loop's
// server on that loop's own goroutine, and every loop must have stopped
// and closed by then.
func TestCloseStopsEveryLoop(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	const loops = 3
	u := start(t, steptest.Impl(t, impls), loops)
	bound := steptest.Scale(2 * time.Second)
	for i := range 6 {
		c := steptest.Dial(t, u.srv, fmt.Sprintf("client %d", i+1)) // stays connected
		if _, err := c.RoundTrip("hi\n", bound); err != nil {
			t.Fatalf("%v%s", err, u.srv.Explain())
		}
	}
	closeErr := u.close(bound)
	for _, rec := range u.records() {
		closedOn, closes := rec.closeReport()
		switch {
		case closes != 1:
			t.Errorf("loop %d's server was closed %d times by Close, want once: Close must close every loop's server "+
				"(and a loop whose server is open keeps running)\n  hint: tutorials/13-n-to-m/hints.md#close-h1", rec.number, closes)
		case closedOn != rec.thread && rec.thread != 0:
			t.Errorf("loop %d's server was closed on OS thread %d, not on its loop's thread %d: the server belongs to its loop's "+
				"goroutine; hand it the call with CallSoonThreadSafe\n  hint: tutorials/13-n-to-m/hints.md#close-h2",
				rec.number, closedOn, rec.thread)
		}
		if err := rec.loop.CallSoonThreadSafe(func() {}); closeErr == nil && !errors.Is(err, loop.ErrClosed) {
			t.Errorf("Close returned, but loop %d of %d is not closed (CallSoonThreadSafe = %v, want loop.ErrClosed): "+
				"Close must wait until every loop has stopped and closed\n  hint: tutorials/13-n-to-m/hints.md#close-h1",
				rec.number, loops, err)
		}
	}
	if closeErr != nil {
		t.Error(closeErr)
	}
}

// underCheck is a Serve under check: the group it returned, and what the
// check's servers noted on each loop.
type underCheck struct {
	srv   *steptest.Server // for Dial, and to collect what the loops report
	group examples.Server

	mu      sync.Mutex // guards loops: each serve runs on its loop's goroutine
	loops   []*loopRecord
	closed  bool // close was called
	closeMu sync.Mutex
}

// A loopRecord is what the check's server on one loop noted.
type loopRecord struct {
	number int
	loop   *loop.Loop
	server loopserver.Server
	thread int // the OS thread serve ran on; 0 where there is no gettid
	conns  atomic.Int64

	mu       sync.Mutex // guards the fields below
	moved    []string   // callbacks that ran on another thread
	closes   int        // calls of the server's Close
	closedOn int        // the thread of the last one
}

// start runs serve with the check's server on loops loops and a free port.
// The test's end closes the group (if the test did not) and stops any loop
// left running.
func start(t *testing.T, serve serveFunc, loops int) *underCheck {
	t.Helper()
	u := &underCheck{srv: steptest.NewServer(t, "")}
	cfg := examples.Config{Addr: "127.0.0.1:0", Loops: loops, OnError: steptest.NewDetectors(u.srv.Report).Handle}
	var err error
	problem := todo.Catch(func() { u.group, err = serve(cfg, u.serve) })
	t.Cleanup(u.stopLeftovers)
	switch {
	case problem != "":
		t.Fatalf("Serve with %d loops: %s", loops, problem)
	case err != nil:
		t.Fatalf("Serve with %d loops = %v; every loop must listen on the same port: with SO_REUSEPORT, each with "+
			"a socket of its own (serve's reusePort true)\n  hint: tutorials/13-n-to-m/hints.md#startloop-h2", loops, err)
	case u.group == nil:
		t.Fatalf("Serve with %d loops returned no server and no error", loops)
	}
	if path := pkgPath(u.group); path == "github.com/loopkit/loopkit/examples" {
		t.Fatalf("Serve returned a %T, from examples.Start: that is loopkit's code, not yours. Write your own in "+
			"exercise/ (this check is here so that a shortcut taken by accident is noticed)", u.group)
	}
	if n := len(u.records()); n != loops {
		t.Fatalf("Serve with %d loops called serve %d times, want once per loop", loops, n)
	}
	u.srv.Addr = u.group.Addr()
	t.Cleanup(func() {
		if err := u.close(steptest.Scale(5 * time.Second)); err != nil {
			t.Error(err)
		}
	})
	return u
}

// serve is the check's loopserver.Serve: an echo server that notes its
// loop, the thread of serve and of each callback, and its Close.
func (u *underCheck) serve(l *loop.Loop, addr string, reusePort bool) (loopserver.Server, error) {
	id, _ := threadID()
	rec := &loopRecord{loop: l, thread: id}
	srv, err := loopserver.ServeCallbacks(l, addr, reusePort, func(c *callbacks.Conn) (onClose func(error)) {
		rec.onThread("the accept callback")
		rec.conns.Add(1)
		c.OnRead(func(data []byte, err error) {
			rec.onThread("a read callback")
			if err != nil {
				c.Close()
				return
			}
			c.Write(data, nil)
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	rec.server = srv
	u.mu.Lock()
	defer u.mu.Unlock()
	rec.number = len(u.loops) + 1
	u.loops = append(u.loops, rec)
	return &recordedServer{Server: srv, rec: rec}, nil
}

// A recordedServer notes each call of its Close, and the thread it ran on.
type recordedServer struct {
	loopserver.Server
	rec *loopRecord
}

func (s *recordedServer) Close() {
	id, _ := threadID()
	s.rec.mu.Lock()
	s.rec.closes++
	s.rec.closedOn = id
	s.rec.mu.Unlock()
	s.Server.Close()
}

// onThread notes a callback that runs on a thread other than serve's.
func (rec *loopRecord) onThread(what string) {
	id, ok := threadID()
	if !ok || id == rec.thread {
		return
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.moved = append(rec.moved, fmt.Sprintf("serve ran on thread %d, %s on thread %d", rec.thread, what, id))
}

func (rec *loopRecord) movedReport() string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return strings.Join(rec.moved, "; ")
}

func (rec *loopRecord) closeReport() (closedOn, closes int) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.closedOn, rec.closes
}

// probeRounds and probeSleep shape the probe: up to 8 system calls of 12ms
// each. Measured on Linux, an unlocked goroutine moves within two, nearly
// always at the first; a locked one never does.
const (
	probeRounds = 8
	probeSleep  = 12 * time.Millisecond
)

// probeThreads runs a probe callback on every loop at once, while other
// goroutines keep every CPU of Go's scheduler busy, and waits for them.
func (u *underCheck) probeThreads(t *testing.T, bound time.Duration) {
	t.Helper()
	var stop atomic.Bool
	var spinners sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		spinners.Add(1)
		go func() {
			defer spinners.Done()
			for !stop.Load() {
			}
		}()
	}
	defer func() { stop.Store(true); spinners.Wait() }()
	var probes sync.WaitGroup
	for _, rec := range u.records() {
		probes.Add(1)
		if err := rec.loop.CallSoonThreadSafe(func() { defer probes.Done(); rec.probe() }); err != nil {
			t.Fatalf("loop %d: CallSoonThreadSafe = %v", rec.number, err)
		}
	}
	done := make(chan struct{})
	go func() { probes.Wait(); close(done) }()
	if !steptest.Within(bound+probeRounds*probeSleep, done) {
		t.Fatalf("the loops did not run the probe callbacks handed to them within %v%s", bound, u.srv.Explain())
	}
}

// probe is a callback that blocks in nanosleep, up to probeRounds times,
// and notes the thread it comes back on.
func (rec *loopRecord) probe() {
	rec.onThread("a callback")
	for range probeRounds {
		sleepInKernel(probeSleep)
		rec.onThread("a callback, back from a system call,")
		if rec.movedReport() != "" {
			return
		}
	}
}

// records returns the loops' records, in the order serve was called.
func (u *underCheck) records() []*loopRecord {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.loops
}

// loopsWithConns returns how many loops have accepted a connection.
func (u *underCheck) loopsWithConns() int {
	n := 0
	for _, rec := range u.records() {
		if rec.conns.Load() > 0 {
			n++
		}
	}
	return n
}

// connsPerLoop words the connections of each loop: "loop 1: 5, loop 2: 0".
func (u *underCheck) connsPerLoop() string {
	var parts []string
	for _, rec := range u.records() {
		parts = append(parts, fmt.Sprintf("loop %d: %d", rec.number, rec.conns.Load()))
	}
	return strings.Join(parts, ", ")
}

// close calls the group's Close once, and waits at most bound for it.
func (u *underCheck) close(bound time.Duration) error {
	u.closeMu.Lock()
	defer u.closeMu.Unlock()
	if u.closed || u.group == nil {
		return nil
	}
	u.closed = true
	done := make(chan error, 1)
	go func() {
		var err error
		if problem := todo.Catch(func() { err = u.group.Close() }); problem != "" {
			err = errors.New(problem)
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("Close() = %v, want nil%s", err, u.srv.Explain())
		}
		return nil
	case <-time.After(bound):
		return fmt.Errorf("Close() did not return within %v: does it wait for a loop that was never told to stop?%s"+
			"\n  hint: tutorials/13-n-to-m/hints.md#close-h1", bound, u.srv.Explain())
	}
}

// stopLeftovers closes, on its own loop, the server of every loop still
// running once the test is over (a Close that left some behind), so that
// their goroutines end.
func (u *underCheck) stopLeftovers() {
	for _, rec := range u.records() {
		rec.loop.CallSoonThreadSafe(rec.server.Close) // loop.ErrClosed for the loops that stopped: fine
	}
}

// pkgPath returns the package of v's type, through a pointer.
func pkgPath(v any) string {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.PkgPath()
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/13-n-to-m/hints.md quotes each check's message, with three hints per function")
	}
}
