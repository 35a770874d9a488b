package loop_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// blockingCallback stands for a handler that makes a blocking call.
func blockingCallback(gate chan struct{}) func() {
	return func() { <-gate }
}

// TestWatchdogNamesTheStalledCallback is gated: the callback blocks until
// the watchdog has reported it, so the test waits for an event, not a time.
func TestWatchdogNamesTheStalledCallback(t *testing.T) {
	reports := make(chan error, 10)
	l, err := loop.New(loop.WithWatchdog(20*time.Millisecond), loop.WithErrorHandler(func(err error) { reports <- err }))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	gate := make(chan struct{})
	l.CallSoon(blockingCallback(gate))
	done := make(chan error, 1)
	go func() { done <- l.Run() }()

	var stalled *loop.StalledError
	select {
	case err := <-reports:
		if !errors.As(err, &stalled) {
			t.Fatalf("reported %v, want a *loop.StalledError", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the watchdog reported nothing while a callback blocked the loop")
	}
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stalled.Callback, "blockingCallback") || !strings.HasSuffix(stalled.File, "watchdog_test.go") {
		t.Errorf("StalledError names %s at %s:%d, want blockingCallback in watchdog_test.go", stalled.Callback, stalled.File, stalled.Line)
	}
	if !strings.Contains(string(stalled.Stack), "watchdog_test.go") {
		t.Errorf("the stack does not pass through the callback:\n%s", stalled.Stack)
	}
	if len(reports) != 0 {
		t.Errorf("%d more reports for the same stall, want one", len(reports))
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
