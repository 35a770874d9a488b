package main

import (
	"testing"
	"time"

	"github.com/loopkit/loopkit/tutorials/internal/listener"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
)

// The checks of step 01. go test ./tutorials/01-blocking checks your Echo;
// LOOPKIT_IMPL=solution checks the reference.

// TestEcho sends 1 MiB in pieces of random size, reading the echo as it
// goes, then closes its end: everything must come back, in order, and the
// server must then close the connection.
func TestEcho(t *testing.T) {
	steptest.CheckLeaks(t)
	srv := start(t, steptest.Impl(t, impls))
	steptest.Echo(t, srv, 1, steptest.MiB)
	hintOnFailure(t)
}

// TestShortWriteIsFinished interrupts Echo while it is blocked in a write,
// after part of the bytes went: write returns a short count, and WriteAll
// must write the rest.
func TestShortWriteIsFinished(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	steptest.ShortWrite(t, steptest.Impl(t, impls))
}

// TestSecondClientWaits records the limitation of this step's server: while
// one client is connected, a second one gets no answer. It passes with a
// working Echo; step 02 removes the limitation.
func TestSecondClientWaits(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	srv := start(t, steptest.Impl(t, impls))
	bound := steptest.Scale(5 * time.Second)

	first := steptest.Dial(t, srv, "client 1")
	if _, err := first.RoundTrip("one\n", bound); err != nil {
		t.Fatalf("%v%s", err, srv.Explain())
	}
	second := steptest.Dial(t, srv, "client 2")
	answered := make(chan error, 1)
	go func() {
		_, err := second.RoundTrip("two\n", bound)
		answered <- err
	}()
	// A negative: no answer while client 1 stays. Waiting longer would
	// prove more and cost more; 200ms is plenty for a loopback echo.
	select {
	case err := <-answered:
		t.Fatalf("client 2 was answered (err=%v) while client 1 was still connected: this server serves one client at a time", err)
	case <-time.After(200 * time.Millisecond):
	}
	first.Close()
	if err := <-answered; err != nil {
		t.Fatalf("after client 1 left, %v%s", err, srv.Explain())
	}
}

// start runs serve with echo on a free port; the test's end stops it.
func start(t *testing.T, echo func(int) error) *steptest.Server {
	t.Helper()
	ln, err := listener.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := steptest.NewServer(t, ln.Addr().String())
	srv.OnStop(func() { ln.Close() })
	srv.Go("serve", func() error { return serve(ln, echo, srv.Report) })
	return srv
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/01-blocking/hints.md has three hints for each function, the first gentle")
	}
}
