package main

import (
	"testing"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/loop/looptest"
	"github.com/loopkit/loopkit/timers"
	"github.com/loopkit/loopkit/tutorials/internal/loopecho"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// The checks of step 04. go test ./tutorials/04-loop checks your loop;
// LOOPKIT_IMPL=solution checks the reference.

// Every Loop of this step is a loop looptest.TestLoop can check.
var _ looptest.Loop = Loop(nil)

// TestLoop is the kit's conformance suite for loops, the one loop.Loop
// passes, run on yours. It goes in stages (1-ReadyQueue, 2-Readers,
// 3-Timers, 4-Wakeup, 5-Errors); a stage runs once the ones before it
// pass. Run one with -run 'TestLoop/2-'.
func TestLoop(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	newLoop := steptest.Impl(t, impls)
	looptest.TestLoop(t, func(cfg looptest.Config) (looptest.Loop, error) {
		l, err := newLoop(cfg.Poller, cfg.Clock, cfg.OnError)
		if err != nil {
			return nil, err
		}
		if err := steptest.NotKitLoop(l); err != nil {
			l.Close()
			return nil, err
		}
		return l, nil
	}, looptest.ExplainPanics(todo.Explain))
}

// TestEchoOnYourLoop runs the echo server on your loop, and the echo
// suite against it: 1 MiB, then twenty clients at once.
func TestEchoOnYourLoop(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	newLoop := steptest.Impl(t, impls)
	p, err := loop.NewPoller(loop.Backends()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := steptest.NewServer(t, "")
	l, err := newLoop(p, timers.Real{}, srv.Report)
	if err != nil {
		p.Close()
		t.Fatal(err)
	}
	echo, err := loopecho.Listen(l, "127.0.0.1:0", srv.Report)
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	srv.Addr = echo.Addr().String()
	srv.OnStop(func() { l.CallSoonThreadSafe(echo.Close) }) // then Run returns: nothing left
	srv.Go("your loop's Run", func() error {
		defer l.Close()
		return l.Run()
	})
	if steptest.Echo(t, srv, 1, steptest.MiB) {
		steptest.Echo(t, srv, 20, 64<<10)
	}
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/04-loop/hints.md quotes each check's message, with three hints per function")
	}
}
