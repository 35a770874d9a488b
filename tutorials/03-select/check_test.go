package main

import (
	"testing"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/loop/looptest"
	"github.com/loopkit/loopkit/tutorials/internal/loopecho"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// The checks of step 03. go test ./tutorials/03-select checks your poller;
// LOOPKIT_IMPL=solution checks the reference.

// TestPoller is the kit's own conformance suite, the one the select, poll
// and epoll backends pass, run on your poller. It goes in stages
// (1-Register, 2-Readiness, ...); a stage runs once the ones before it
// pass. Run one with -run 'TestPoller/2-'.
func TestPoller(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	looptest.TestPoller(t, steptest.OwnPoller(steptest.Impl(t, impls)), looptest.ExplainPanics(todo.Explain))
}

// TestEchoServedByYourPoller runs the kit's loop on your poller and the
// echo suite against it: 1 MiB, then twenty clients at once. It also
// checks the mechanism, not only the echo: the loop's every wait went
// through your Wait, which reported the clients' fds ready.
func TestEchoServedByYourPoller(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	p, err := steptest.OwnPoller(steptest.Impl(t, impls))()
	if err != nil {
		t.Fatal(err)
	}
	tp := &tracePoller{Poller: p}
	srv := steptest.NewServer(t, "")
	var l *loop.Loop
	var echo *loopecho.Server
	if problem := todo.Catch(func() {
		l, err = loop.New(loop.WithPoller(tp), loop.WithErrorHandler(srv.Report))
		if err == nil {
			echo, err = loopecho.Listen(l, "127.0.0.1:0", srv.Report)
		}
	}); problem != "" {
		t.Fatalf("setting up the loop on your poller: %s", problem)
	}
	if err != nil {
		t.Fatal(err)
	}
	srv.Addr = echo.Addr().String()
	srv.OnState(steptest.LoopState(l))
	srv.OnStop(func() { l.CallSoonThreadSafe(echo.Close) }) // then Run returns: nothing left
	srv.Go("the loop's Run", func() error {
		defer l.Close()
		return l.Run()
	})
	if steptest.Echo(t, srv, 1, steptest.MiB) {
		steptest.Echo(t, srv, 20, 64<<10)
	}
	srv.Stop()
	if !t.Failed() && (tp.waits == 0 || tp.events == 0) {
		t.Errorf("the echo worked, but the loop called your Wait %d times and it reported %d fds ready: "+
			"was the loop waiting somewhere else?", tp.waits, tp.events)
	}
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/03-select/hints.md quotes each check's message, with three hints per function")
	}
}
