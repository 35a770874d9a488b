package main

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
	"golang.org/x/sys/unix"
)

// The checks of step 15. go test ./tutorials/15-signals-children checks
// your signal.go and reaper.go; LOOPKIT_IMPL=solution checks the
// reference. Each counts fds and goroutines before and after.
//
// The checks of reap never wait for a real SIGCHLD: they give the Reaper
// an OnSignal of their own, wait until the children have exited (without
// reaping them), then run reap once, as one SIGCHLD would. So "one signal
// for eight exits" happens every time, not only when the kernel happens
// to coalesce.

// TestOnSignalRunsOnTheLoop sends the process SIGUSR1 while the loop is
// asleep in poll with nothing to do: the handler must run, as a callback
// of the loop, woken the one way another goroutine may wake it.
func TestOnSignalRunsOnTheLoop(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	prog := steptest.Impl(t, impls)
	c := newChecked(t)
	handled := make(chan bool, 1) // whether the loop was asleep in poll when the handler ran
	var stop func()
	if problem := todo.Catch(func() {
		stop = prog.OnSignal(c.loop, syscall.SIGUSR1, func() { handled <- closed(c.idle.Idle()) })
	}); problem != "" {
		t.Fatalf("OnSignal: %s", problem)
	}
	release := c.loop.Hold()
	c.run(t, func() { stop(); release() })
	bound := steptest.Scale(2 * time.Second)
	if !steptest.Within(bound, c.idle.Idle()) {
		t.Fatalf("the loop did not go to sleep in poll within %v", bound)
	}
	if err := unix.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	var asleep bool
	select {
	case asleep = <-handled:
	case <-time.After(bound):
		t.Fatalf("the process received SIGUSR1 while the loop slept in poll, and the handler had not run %v later.%s\n"+
			"  hint: tutorials/15-signals-children/hints.md#onsignal-h1", bound, c.problems())
	}
	if asleep {
		t.Fatalf("the handler ran on another goroutine while the loop slept in poll: OnSignal called it itself, " +
			"where it must hand it to the loop, to run as a loop callback.\n" +
			"  hint: tutorials/15-signals-children/hints.md#onsignal-h1")
	}
	if wrong, ok := c.seen.WrongGoroutine(); ok {
		t.Fatalf("OnSignal handed the handler to the loop with a method that is not CallSoonThreadSafe; the loop saw it "+
			"while it slept in poll, and reported it:\n  %s\n"+
			"  The kit passed the callback on to CallSoonThreadSafe, so it ran; a loop without that check would have "+
			"slept on.\n  hint: tutorials/15-signals-children/hints.md#onsignal-h2", wrong)
	}
}

// TestStopEndsTheGoroutine: once stop returns, OnSignal has nothing left
// running; the leak check at the end finds any goroutine it started.
func TestStopEndsTheGoroutine(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	prog := steptest.Impl(t, impls)
	c := newChecked(t)
	if problem := todo.Catch(func() {
		stop := prog.OnSignal(c.loop, syscall.SIGUSR1, func() {})
		stop()
	}); problem != "" {
		t.Fatalf("OnSignal: %s", problem)
	}
}

// TestEveryChildReaped starts eight children, waits until all have
// exited, and runs reap once: every one must be reaped, with its status.
func TestEveryChildReaped(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	c := newChecked(t)
	var sigchld func()
	r := steptest.Impl(t, impls).New(c.loop, fakeOnSignal(t, &sigchld))
	defer r.Close()
	want, got := map[int]int{}, map[int]int{}
	for i := range 8 {
		argv, code := []string{"true"}, 0
		if i%2 == 1 {
			argv, code = []string{"false"}, 1
		}
		pid := c.start(t, r, argv, func(pid int, status unix.WaitStatus) { got[pid] = status.ExitStatus() })
		want[pid] = code
	}
	c.waitExited(t, slices.Sorted(maps.Keys(want))...)
	if problem := todo.Catch(sigchld); problem != "" {
		t.Fatalf("SIGCHLD: %s", problem)
	}
	if len(got) < len(want) {
		t.Fatalf("8 children had exited, and one SIGCHLD came; reap reaped %d of them, and the %d others stay zombies. "+
			"Signals coalesce: one SIGCHLD may stand for several exits.\n"+
			"  hint: tutorials/15-signals-children/hints.md#reap-h2", len(got), len(want)-len(got))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("exit status by pid (-want +got):\n%s\n  hint: tutorials/15-signals-children/hints.md#reap-h1", diff)
	}
	c.checkReaped(t, slices.Sorted(maps.Keys(want))...)
}

// TestReapDoesNotBlock starts a child that runs on (sleep) and one that
// exits at once (true), and runs reap once the second has exited: reap
// must return, having reaped it, while the first still runs.
func TestReapDoesNotBlock(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	c := newChecked(t)
	var sigchld func()
	r := steptest.Impl(t, impls).New(c.loop, fakeOnSignal(t, &sigchld))
	defer r.Close()
	got := map[int]int{}
	var mu sync.Mutex
	onExit := func(pid int, status unix.WaitStatus) {
		mu.Lock()
		defer mu.Unlock()
		got[pid] = status.ExitStatus()
	}
	slow := c.start(t, r, []string{"sleep", "60"}, onExit)
	quick := c.start(t, r, []string{"true"}, onExit)
	c.waitExited(t, quick)
	returned := make(chan string, 1)
	go func() { returned <- todo.Catch(sigchld) }() // as the loop would run it: the loop waits with it
	bound := steptest.Scale(2 * time.Second)
	var problem string
	select {
	case problem = <-returned:
	case <-time.After(bound):
		unix.Kill(slow, syscall.SIGKILL) // ends the wait, whatever waits
		<-returned
		t.Fatalf("one child had exited (true, pid %d), another still ran (sleep 60, pid %d), and one SIGCHLD came; "+
			"reap had not returned %v later: it waits for a child that has not exited, and the loop, "+
			"which runs reap, waits with it.\n  hint: tutorials/15-signals-children/hints.md#reap-h2", quick, slow, bound)
	}
	if problem != "" {
		t.Fatalf("SIGCHLD: %s", problem)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(map[int]int{quick: 0}, got); diff != "" {
		t.Errorf("after one SIGCHLD, the exits reported by pid (-want +got):\n%s\n"+
			"  hint: tutorials/15-signals-children/hints.md#reap-h1", diff)
	}
}

// checked is the loop of a check, asleep-aware (IdleWatch), its errors
// kept (Detectors), and the children the check started.
type checked struct {
	loop *loop.Loop
	idle *steptest.IdleWatch
	seen *steptest.Detectors

	mu       sync.Mutex // guards reported
	reported []string
	pids     []int
}

// newChecked makes the loop of a check; the end of the test closes it,
// and kills and reaps every child the check started.
func newChecked(t *testing.T) *checked {
	t.Helper()
	p, err := loop.NewPoller(backend())
	if err != nil {
		t.Fatal(err)
	}
	c := &checked{idle: steptest.WatchIdle(p)}
	c.seen = steptest.NewDetectors(c.report)
	l, err := loop.New(loop.WithPoller(c.idle), loop.WithErrorHandler(c.seen.Handle))
	if err != nil {
		p.Close()
		t.Fatal(err)
	}
	c.loop = l
	t.Cleanup(func() {
		for _, pid := range c.pids {
			unix.Kill(pid, syscall.SIGKILL)
			var status unix.WaitStatus
			unix.Wait4(pid, &status, 0, nil) // ECHILD if reaped already: fine
		}
		c.loop.Close()
	})
	return c
}

func (c *checked) report(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reported = append(c.reported, err.Error())
}

// problems returns what the loop reported, for a failure message.
func (c *checked) problems() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.reported) == 0 {
		return ""
	}
	return fmt.Sprintf("\n  the loop reported:\n    %s", c.reported)
}

// run runs the loop on a goroutine of its own until the test ends, when
// stop is handed to it, and Run must return.
func (c *checked) run(t *testing.T, stop func()) {
	t.Helper()
	ran := make(chan error, 1)
	go func() { ran <- c.loop.Run() }()
	t.Cleanup(func() {
		c.loop.CallSoonThreadSafe(stop)
		select {
		case err := <-ran:
			if err != nil {
				t.Errorf("the loop's Run: %v", err)
			}
		case <-time.After(steptest.Scale(5 * time.Second)):
			t.Errorf("the loop's Run did not return after the check stopped the handler: something still holds it")
			c.loop.CallSoonThreadSafe(c.loop.Stop)
			<-ran
		}
	})
}

// start starts argv as a child of r, and notes it, to be killed if the
// check ends before it did.
func (c *checked) start(t *testing.T, r reaper, argv []string, onExit func(pid int, status unix.WaitStatus)) int {
	t.Helper()
	var pid int
	pid, err := r.Start(argv, func(status unix.WaitStatus) { onExit(pid, status) })
	if err != nil {
		t.Fatal(err)
	}
	c.pids = append(c.pids, pid)
	return pid
}

// waitExited waits until each child has exited, without reaping it: its
// SIGCHLD has been sent.
func (c *checked) waitExited(t *testing.T, pids ...int) {
	t.Helper()
	deadline := time.Now().Add(steptest.Scale(5 * time.Second))
	for _, pid := range pids {
		for !hasExited(t, pid) {
			if time.Now().After(deadline) {
				t.Fatalf("child %d had not exited after %v", pid, steptest.Scale(5*time.Second))
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// checkReaped fails t if a child is still a process (a zombie).
func (c *checked) checkReaped(t *testing.T, pids ...int) {
	t.Helper()
	for _, pid := range pids {
		if err := unix.Kill(pid, 0); err != unix.ESRCH {
			t.Errorf("child %d was reported reaped, but kill(%d, 0) = %v, want ESRCH: it is still a zombie", pid, pid, err)
		}
	}
}

// fakeOnSignal is an OnSignal that runs nothing by itself: it keeps the
// SIGCHLD handler in *handler, for the check to run.
func fakeOnSignal(t *testing.T, handler *func()) onSignalFunc {
	return func(l *loop.Loop, sig os.Signal, fn func()) func() {
		if sig != syscall.SIGCHLD {
			t.Errorf("the Reaper handles %v, want SIGCHLD", sig)
		}
		*handler = fn
		return func() {}
	}
}

// backend is the poller the checks run on: LOOPKIT_BACKEND, or the best of
// this OS.
func backend() string {
	if b := os.Getenv("LOOPKIT_BACKEND"); b != "" {
		return b
	}
	return loop.Backends()[0]
}

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/15-signals-children/hints.md quotes each check's message, with three hints per function")
	}
}
