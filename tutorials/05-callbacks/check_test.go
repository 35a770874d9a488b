package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/beerapi"
	"github.com/loopkit/loopkit/tutorials/internal/loopserver"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// The checks of step 05. go test ./tutorials/05-callbacks checks your
// pyramid.go; LOOPKIT_IMPL=solution checks the reference. Each runs on the
// kit's loop, with the backend LOOPKIT_BACKEND names (the best of this OS
// by default), and counts fds and goroutines before and after: a
// connection never closed is a failure.

// TestEcho runs the echo server with your Echo under the echo suite: 1 MiB
// in pieces of random size, then twenty clients at once; each client then
// closes its end and expects the server to close too.
func TestEcho(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	p := steptest.Impl(t, impls)
	srv, _ := startEcho(t, p.Echo)
	if steptest.Echo(t, srv, 1, steptest.MiB) {
		steptest.Echo(t, srv, 20, 64<<10)
	}
}

// TestEchoPausesAStalledClient has a client send 32 MiB without reading
// any of it. Echo must stop reading from it once highWater bytes wait to
// be written (PauseReading), so that the server holds a bounded amount,
// however much the client sends; and it must start again once they have
// gone (ResumeReading, when OnFlush says so), so that every byte comes
// back when the client reads.
func TestEchoPausesAStalledClient(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	p := steptest.Impl(t, impls)
	conns := make(chan *callbacks.Conn, 1)
	srv, l := startEcho(t, func(c *callbacks.Conn) {
		conns <- c
		p.Echo(c)
	})
	conn, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	sent := sendUntilStalled(conn.(*net.TCPConn))
	var c *callbacks.Conn
	held := make(chan int, 1)
	select {
	case c = <-conns:
		l.CallSoonThreadSafe(func() { held <- c.Buffered() })
	case <-time.After(steptest.Scale(5 * time.Second)):
		t.Fatal("the server took the client's bytes but never accepted its connection")
	}
	select {
	case n := <-held:
		if n > stalledBound {
			t.Errorf("the client sent %d bytes and read nothing; the server held %d bytes of it to echo, want at most %d: "+
				"above highWater buffered bytes Echo must PauseReading (and ResumeReading once OnFlush says the buffer drained)",
				sent, n, stalledBound)
		}
	case <-time.After(steptest.Scale(5 * time.Second)):
		t.Fatal("the server's loop did not run a callback within 5s: is it stuck in one?")
	}
	conn.SetReadDeadline(time.Now().Add(steptest.Scale(10 * time.Second)))
	if got, err := io.CopyN(io.Discard, conn, int64(sent)); err != nil {
		t.Fatalf("the client sent %d bytes without reading, then read: %d came back, then %v "+
			"(is reading resumed when OnFlush says the buffer drained?)", sent, got, err)
	}
}

// A stalled client sends at most stalledSend bytes; the server may then
// hold stalledBound: highWater (64 KiB), what a read or two bring.
const (
	stalledSend  = 32 << 20
	stalledBound = 256 << 10
)

// sendUntilStalled writes to conn, reading nothing, until the server stops
// taking what it sends (a write waits past its deadline), or stalledSend
// bytes have gone. It returns how many bytes were sent.
func sendUntilStalled(conn *net.TCPConn) int {
	chunk := make([]byte, 256<<10)
	sent := 0
	for sent < stalledSend {
		conn.SetWriteDeadline(time.Now().Add(steptest.Scale(500 * time.Millisecond)))
		n, err := conn.Write(chunk)
		sent += n
		if err != nil {
			break // the server stopped reading, as it should
		}
	}
	return sent
}

// TestBeerThenFruit runs your BeerThenFruit against the talk's service: done
// must be called once, with the fruit, and the fruit's request must carry
// the beer's id, which only the first answer knew.
func TestBeerThenFruit(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	p := steptest.Impl(t, impls)
	beer := beerapi.NewServer()
	defer beer.Close()
	got := fetch(t, p, beer.URL())
	if diff := cmp.Diff([]string{`done("apple", <nil>)`}, got.calls); diff != "" {
		t.Errorf("BeerThenFruit's calls of done (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"/api/beer", "/api/fruit/" + beerapi.Beer}, beer.Paths()); diff != "" {
		t.Errorf("the paths the service was asked for (-want +got):\n%s", diff)
	}
}

// TestResetReachesCallback breaks each step of BeerThenFruit in turn: the
// error must reach done, the one callback that waits for the result, once,
// still saying what happened (a reset, a refused connection). Errors never
// pass silently: an error that stops in a callback on the way leaves done
// uncalled, and the loop, with nothing left to wait for, simply ends.
func TestResetReachesCallback(t *testing.T) {
	tests := []struct {
		name  string
		reset string // the path the service resets, or ""
		down  bool   // nothing listens at the base URL
		want  error  // what the error must wrap
	}{
		{name: "BeerReset", reset: "/api/beer", want: syscall.ECONNRESET},
		{name: "FruitReset", reset: "/api/fruit/" + beerapi.Beer, want: syscall.ECONNRESET},
		{name: "ServiceDown", down: true, want: syscall.ECONNREFUSED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steptest.CheckLeaks(t)
			defer hintOnFailure(t)
			p := steptest.Impl(t, impls)
			beer := beerapi.NewServer()
			defer beer.Close()
			base := beer.URL()
			if tt.down {
				base = "http://" + closedPort(t)
			} else {
				beer.ResetOn(tt.reset)
			}
			got := fetch(t, p, base)
			switch {
			case len(got.calls) == 0:
				t.Fatalf("done was never called: the error (%v) stopped in a callback on the way, and the loop, with nothing "+
					"left to wait for, ended. Errors never pass silently: pass err on to done", tt.want)
			case len(got.calls) > 1:
				t.Fatalf("done was called %d times, want once: %q", len(got.calls), got.calls)
			case got.err == nil:
				t.Fatalf("done got %s, want an error: the service was %s", got.calls[0], what(tt.reset, tt.down))
			case !errors.Is(got.err, tt.want):
				t.Fatalf("done got the error %q, which does not wrap %v (errors.Is): pass Get's error on as it is, "+
					"or wrap it with %%w, so that the caller can tell what happened", got.err, tt.want)
			}
		})
	}
}

func what(reset string, down bool) string {
	if down {
		return "not listening (connection refused)"
	}
	return "resetting the connection of " + reset
}

// A fetchResult is what done was called with.
type fetchResult struct {
	calls []string // each call, as `done("apple", nil)`
	err   error    // the error of the first call
}

// fetch runs p.BeerThenFruit on a loop of its own, in this goroutine, until
// the loop has nothing left to wait for, and returns what done got. A panic
// of a callback (a TODO) or any other error of the loop fails the test.
func fetch(t *testing.T, p program, base string) fetchResult {
	t.Helper()
	var problems []string
	l, err := loop.New(loop.WithErrorHandler(func(err error) { problems = append(problems, todo.Reported(err).Error()) }))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var r fetchResult
	if problem := todo.Catch(func() {
		p.BeerThenFruit(l, base, func(fruit string, err error) {
			r.calls = append(r.calls, fmt.Sprintf("done(%q, %v)", fruit, err))
			if len(r.calls) == 1 {
				r.err = err
			}
		})
	}); problem != "" {
		t.Fatal(problem)
	}
	runBounded(t, l, steptest.Scale(10*time.Second))
	if len(problems) > 0 {
		t.Fatalf("the loop reported:\n  %s", strings.Join(problems, "\n  "))
	}
	return r
}

// runBounded runs l until it has nothing left to wait for. If it is still
// running after bound, it stops it and fails the test.
func runBounded(t *testing.T, l *loop.Loop, bound time.Duration) {
	t.Helper()
	stuck := time.AfterFunc(bound, func() { l.CallSoonThreadSafe(l.Stop) })
	err := l.Run()
	if !stuck.Stop() {
		t.Fatalf("the loop was still waiting for something %v later: is a connection left open? "+
			"(a Get that finishes closes its own)", bound)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// startEcho runs an echo server with echo on a free port, its loop in a
// goroutine of its own; the test's end stops it.
func startEcho(t *testing.T, echo func(*callbacks.Conn)) (*steptest.Server, *loop.Loop) {
	t.Helper()
	srv := steptest.NewServer(t, "")
	l, err := loop.New(loop.WithErrorHandler(func(err error) { srv.Report(todo.Reported(err)) }))
	if err != nil {
		t.Fatal(err)
	}
	s, err := loopserver.ServeCallbacks(l, "127.0.0.1:0", false, func(c *callbacks.Conn) func(error) {
		echo(c)
		return nil
	})
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	srv.Addr = s.Addr()
	srv.OnState(steptest.LoopState(l))
	srv.OnStop(func() { l.CallSoonThreadSafe(s.Close) }) // then Run returns: nothing left
	srv.Go("the loop's Run", func() error {
		defer l.Close()
		return l.Run()
	})
	return srv, l
}

// closedPort returns a loopback address nothing listens on: a port just
// freed.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/05-callbacks/hints.md quotes each check's message, with three hints per function")
	}
}
