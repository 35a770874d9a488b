package main

import (
	"testing"
	"time"

	blocking "github.com/loopkit/loopkit/tutorials/01-blocking/solution"
	"github.com/loopkit/loopkit/tutorials/internal/listener"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
)

// The checks of step 02. go test ./tutorials/02-threads checks your Serve;
// LOOPKIT_IMPL=solution checks the reference.

// TestEcho runs the echo suite: one client sending 1 MiB, then twenty at
// once. Each must get back what it sent, then end of file; no fd or
// goroutine may be left behind.
func TestEcho(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	srv := start(t, steptest.Impl(t, impls))
	if steptest.Echo(t, srv, 1, steptest.MiB) {
		steptest.Echo(t, srv, 20, 64<<10)
	}
}

// TestClientsDoNotWait is step 01's TestSecondClientWaits turned round:
// client 1 connects, is answered, and stays connected and idle; client 2
// must be answered meanwhile. Client 1's open connection is the gate: the
// check never asks how fast, only whether client 2 is served while client 1
// is held. The bound only limits how long a wrong Serve takes to fail.
func TestClientsDoNotWait(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	srv := start(t, steptest.Impl(t, impls))
	bound := steptest.Scale(2 * time.Second)

	first := steptest.Dial(t, srv, "client 1")
	if _, err := first.RoundTrip("one\n", bound); err != nil {
		t.Fatalf("%v%s", err, srv.Explain())
	}
	second := steptest.Dial(t, srv, "client 2")
	if _, err := second.RoundTrip("two\n", bound); err != nil {
		t.Fatalf("client 2 got no echo while client 1 stayed connected and idle: %v\n"+
			"  each connection needs a goroutine of its own, so that Serve goes back to Accept at once%s",
			err, srv.Explain())
	}
}

// start runs serve with step 01's Echo on a free port; the test's end
// stops it.
func start(t *testing.T, serve serveFunc) *steptest.Server {
	t.Helper()
	ln, err := listener.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := steptest.NewServer(t, ln.Addr().String())
	srv.OnStop(func() { ln.Close() })
	srv.Go("Serve", func() error { return serve(ln, blocking.Echo, srv.Report) })
	return srv
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/02-threads/hints.md has three hints, the first gentle")
	}
}
