package main

import (
	"os"
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/lineserver"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// The checks of step 10. go test ./tutorials/10-blocking-loop checks your
// server.go; LOOPKIT_IMPL=solution checks the reference. Each runs the
// server on the kit's loop, with the backend LOOPKIT_BACKEND names (the
// best of this OS by default) and the loop's watchdog on, and counts fds
// and goroutines before and after.

// TestLookupAnswers checks what the server says, with a directory that
// answers at once: a line comes back as it was sent, "/lookup NAME" is
// answered with NAME's address, and a client that asks and closes its end
// at once still gets its answer before the server closes the connection.
func TestLookupAnswers(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	srv := start(t, steptest.Impl(t, impls), func(name string) string { return "192.0.2.1" })
	bound := steptest.Scale(2 * time.Second)

	c := steptest.Dial(t, srv.Server, "client")
	if got, err := c.RoundTrip("hello\n", bound); err != nil || got != "hello\n" {
		t.Fatalf("sent \"hello\\n\": got %q back, %v; want it back as it was sent%s", got, err, srv.Explain())
	}
	for _, step := range []func() error{
		func() error { return c.Send("/lookup alice\n", bound) },
		func() error { return c.Expect("alice is at 192.0.2.1\n", bound) },
		func() error { return c.Send("/lookup bob\n", bound) },
		c.CloseWrite,
		func() error { return c.Expect("bob is at 192.0.2.1\n", bound) },
		func() error { return c.ExpectEOF(bound) },
	} {
		if err := step(); err != nil {
			t.Fatalf("%v%s", err, srv.Explain())
		}
	}
}

// TestOthersServedWhileOneBlocks is the pitfall's check, gated: client A
// asks "/lookup alice", and the directory does not answer until the check
// says so (its gate). Meanwhile client B must get its echo, which only a
// loop that is not waiting for the directory can give. Then the loop goes
// to sleep in poll, the gate opens, and A must get the directory's answer:
// from a goroutine other than the loop's, which must wake the loop to hand
// it over (CallSoonThreadSafe; a plain CallSoon is reported by the loop's
// wrong-goroutine check). No step of it is timed: the bound only limits
// how long a wrong server takes to fail.
func TestOthersServedWhileOneBlocks(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	gate := steptest.NewGate()
	defer gate.Open() // before the cleanups: a blocked loop can then stop
	asked := make(chan string, 1)
	srv := start(t, steptest.Impl(t, impls), func(name string) string {
		asked <- name
		gate.Wait()
		return "192.0.2.1"
	})
	bound := steptest.Scale(2 * time.Second)

	a := steptest.Dial(t, srv.Server, "client A")
	if err := a.Send("/lookup alice\n", bound); err != nil {
		t.Fatal(err)
	}
	select {
	case <-asked:
	case <-time.After(bound):
		t.Fatalf("client A sent \"/lookup alice\\n\", but the directory was not asked within %v%s", bound, srv.Explain())
	}

	b := steptest.Dial(t, srv.Server, "client B")
	if got, err := b.RoundTrip("ping\n", bound); err != nil || got != "ping\n" {
		t.Fatalf("client B sent \"ping\\n\" and got %q back, want it back, while client A's lookup waited for the directory: "+
			"the loop is blocked.\n  A blocking call runs inside a callback: until it returns, no other client is served.%s%s\n"+
			"  hint: tutorials/10-blocking-loop/hints.md#lookup-h1", got, srv.seen.Stalls(), srv.Explain())
	}

	if !steptest.Within(bound, srv.idle.Idle()) {
		t.Fatalf("client B was served, but the loop did not go to sleep in poll within %v while A's lookup waited%s", bound, srv.Explain())
	}
	gate.Open() // the directory answers, on whatever goroutine asked it
	err := a.Expect("alice is at 192.0.2.1\n", bound)
	if _, ok := srv.seen.WrongGoroutine(); ok {
		t.Fatalf("the directory's answer was handed to the loop from another goroutine by a method that is not "+
			"CallSoonThreadSafe; the loop saw it while it slept in poll, and reported it (below).\n"+
			"  The kit passed the callback on to CallSoonThreadSafe, so the answer came; a loop without that check would "+
			"have left it in its ready queue, asleep, until some other client woke it.%s\n"+
			"  hint: tutorials/10-blocking-loop/hints.md#lookup-h2", srv.Explain())
	}
	if err != nil {
		t.Fatalf("the directory answered while the loop slept in poll, but %v: nothing handed the answer to the loop, "+
			"or nothing woke it to write it.%s\n  hint: tutorials/10-blocking-loop/hints.md#lookup-h2", err, srv.Explain())
	}
}

// server is the step's program under check: a kit loop, with the watchdog
// on and an IdleWatch around its poller, running the line server with the
// handler under check.
type server struct {
	*steptest.Server
	idle *steptest.IdleWatch
	seen *steptest.Detectors
}

// watchdog is the loop's watchdog threshold in the checks. It decides
// nothing: what it reports is quoted when a check fails.
const watchdog = 200 * time.Millisecond

// start runs the handler newHandler makes, with directory, on a loop of
// its own and a free port; the test's end stops it.
func start(t *testing.T, newHandler newHandlerFunc, directory func(string) string) *server {
	t.Helper()
	p, err := loop.NewPoller(backend())
	if err != nil {
		t.Fatal(err)
	}
	srv := steptest.NewServer(t, "")
	s := &server{Server: srv, idle: steptest.WatchIdle(p), seen: steptest.NewDetectors(srv.Report)}
	l, err := loop.New(loop.WithPoller(s.idle), loop.WithErrorHandler(s.seen.Handle), loop.WithWatchdog(steptest.Scale(watchdog)))
	if err != nil {
		p.Close()
		t.Fatal(err)
	}
	var handler lineserver.Handler
	if problem := todo.Catch(func() { handler = newHandler(l, directory) }); problem != "" {
		l.Close()
		t.Fatalf("making the server: %s", problem)
	}
	ls, err := lineserver.Serve(l, "127.0.0.1:0", handler)
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	srv.Addr = ls.Addr()
	srv.OnState(steptest.LoopState(l))
	srv.OnStop(func() { l.CallSoonThreadSafe(ls.Close) }) // then Run returns: nothing left
	srv.Go("the loop's Run", func() error {
		defer l.Close()
		return l.Run()
	})
	return s
}

// backend is the poller the checks run on: LOOPKIT_BACKEND, or the best of
// this OS.
func backend() string {
	if b := os.Getenv("LOOPKIT_BACKEND"); b != "" {
		return b
	}
	return loop.Backends()[0]
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/10-blocking-loop/hints.md quotes each check's message, with three hints")
	}
}
