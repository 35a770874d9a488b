package loop_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// blockingCallback stands for a handler that makes a blocking call. It
// notes the line it blocks at, which a StalledError must name: the line
// running, not the first line of the function.
func blockingCallback(gate chan struct{}, line *int) func() {
	return func() {
		_, _, at, _ := runtime.Caller(0)
		*line = at + 2 // the line of <-gate
		<-gate
	}
}

// countingObserver counts the callbacks it is told of.
type countingObserver struct {
	loop.NopObserver
	started, returned int
}

func (o *countingObserver) CallbackStarted(loop.Callback)  { o.started++ }
func (o *countingObserver) CallbackReturned(loop.Callback) { o.returned++ }

// TestWatchdogNamesTheStalledCallback is gated: the callback blocks until
// the watchdog has reported it, so the test waits for an event, not a time.
// The watchdog shares the loop's observer hook with the user's observer:
// both must see the callback.
func TestWatchdogNamesTheStalledCallback(t *testing.T) {
	for _, observer := range []*countingObserver{nil, {}} {
		t.Run(fmt.Sprintf("observer=%v", observer != nil), func(t *testing.T) {
			reports := make(chan error, 10)
			opts := []loop.Option{loop.WithWatchdog(20 * time.Millisecond), loop.WithErrorHandler(func(err error) { reports <- err })}
			if observer != nil {
				opts = append(opts, loop.WithObserver(observer))
			}
			l, err := loop.New(opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			gate, line := make(chan struct{}), 0
			l.CallSoon(blockingCallback(gate, &line))
			stalled := runUntilStalled(t, l, gate, reports)
			if !strings.Contains(stalled.Callback, "blockingCallback") || !strings.HasSuffix(stalled.File, "watchdog_test.go") || stalled.Line != line {
				t.Errorf("StalledError names %s at %s:%d, want blockingCallback in watchdog_test.go:%d", stalled.Callback, stalled.File, stalled.Line, line)
			}
			if !strings.Contains(string(stalled.Stack), "watchdog_test.go") {
				t.Errorf("the stack does not pass through the callback:\n%s", stalled.Stack)
			}
			if len(reports) != 0 {
				t.Errorf("%d more reports for the same stall, want one", len(reports))
			}
			if observer != nil && (observer.started != 1 || observer.returned != 1) {
				t.Errorf("the user's observer saw %d starts and %d returns, want 1 and 1", observer.started, observer.returned)
			}
		})
	}
}

// runUntilStalled runs l on a goroutine of its own until the watchdog
// reports a stall, then opens gate and waits for Run to return.
func runUntilStalled(t *testing.T, l *loop.Loop, gate chan struct{}, reports chan error) *loop.StalledError {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- l.Run() }()
	var stalled *loop.StalledError
	select {
	case err := <-reports:
		if !errors.As(err, &stalled) {
			t.Errorf("reported %v, want a *loop.StalledError", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("the watchdog reported nothing while the loop was blocked")
	}
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if stalled == nil {
		t.FailNow()
	}
	return stalled
}

// TestWatchdogBlamesTheGoroutineHandedControl: a front end that runs user
// code on a goroutine of its own (coroutines) says so with RunningOn; the
// report must name that code and its line, from its goroutine's stack, not
// the callback that waits for it on a channel.
func TestWatchdogBlamesTheGoroutineHandedControl(t *testing.T) {
	reports := make(chan error, 10)
	l, err := loop.New(loop.WithWatchdog(20*time.Millisecond), loop.WithErrorHandler(func(err error) { reports <- err }))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	gate, line := make(chan struct{}), 0
	l.CallSoon(func() {
		back := make(chan struct{})
		go func() {
			var g loop.Goroutine
			l.RunningOn(&g, "worker(7)")
			blockingCallback(gate, &line)()
			l.RunningOn(nil, "")
			close(back)
		}()
		<-back
	})
	stalled := runUntilStalled(t, l, gate, reports)
	got := fmt.Sprintf("%s at %s:%d", stalled.HandedTo, filepath.Base(stalled.File), stalled.Line)
	if want := fmt.Sprintf("worker(7) at watchdog_test.go:%d", line); got != want {
		t.Errorf("StalledError names %s, want %s", got, want)
	}
	if !strings.Contains(string(stalled.Stack), "blockingCallback") {
		t.Errorf("the stack is not the stack of the goroutine handed control:\n%s", stalled.Stack)
	}
}

func TestWatchdogQuietWhileIdle(t *testing.T) {
	reports := make(chan error, 10)
	l, err := loop.New(loop.WithWatchdog(50*time.Millisecond), loop.WithErrorHandler(func(err error) { reports <- err }))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// Asleep in poll for many thresholds: that is no stall.
	l.CallLater(300*time.Millisecond, func() {})
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	if len(reports) != 0 {
		t.Errorf("the watchdog reported %v while the loop slept in poll", <-reports)
	}
}

type stallingConn struct{ gate chan struct{} }

func (c *stallingConn) readable() { <-c.gate }

// TestWatchdogFindsTheMethodBehindAMethodValue: front ends register methods
// (c.readable) as waiters; the report must name the method's own file.
func TestWatchdogFindsTheMethodBehindAMethodValue(t *testing.T) {
	reports := make(chan error, 10)
	l, err := loop.New(loop.WithWatchdog(20*time.Millisecond), loop.WithErrorHandler(func(err error) { reports <- err }))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	c := &stallingConn{gate: make(chan struct{})}
	l.CallSoon(c.readable)
	done := make(chan error, 1)
	go func() { done <- l.Run() }()
	var stalled *loop.StalledError
	select {
	case err := <-reports:
		errors.As(err, &stalled)
	case <-time.After(10 * time.Second):
		t.Fatal("the watchdog reported nothing")
	}
	close(c.gate)
	<-done
	if stalled == nil || !strings.HasSuffix(stalled.File, "watchdog_test.go") || stalled.Line == 1 {
		t.Errorf("StalledError = %+v, want the method's place in watchdog_test.go", stalled)
	}
}
