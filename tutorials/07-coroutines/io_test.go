package main

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/beerapi"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// TestEchoOnYourCoroutines runs straight.go's Echo, one coroutine per
// connection, on your scheduler, under the echo suite: 1 MiB in pieces of
// random size, then twenty clients at once. Then, with every client gone,
// the loop must have no waiter left but the acceptor's: each wait removes
// the waiter it added, whatever ended it.
func TestEchoOnYourCoroutines(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	v := steptest.Impl(t, impls)
	srv := steptest.NewServer(t, "")
	l, err := loop.New(loop.WithErrorHandler(func(err error) { srv.Report(todo.Reported(err)) }))
	if err != nil {
		t.Fatal(err)
	}
	hub := v.NewHub(l)
	ln, addr, err := sock.Listen("127.0.0.1:0")
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	serve(hub, ln)
	srv.Addr = addr.String()
	srv.OnState(steptest.LoopState(l))
	srv.OnStop(func() { l.CallSoonThreadSafe(hub.KillAll) }) // every coroutine ends: Run returns
	srv.Go("the loop's Run", func() error {
		defer l.Close()
		defer unix.Close(ln)
		defer todo.Catch(hub.Close)
		return l.Run()
	})
	// Waiters are checked after the first client too: with a waiter left
	// on a closed fd, the twenty clients' fds, which reuse its number,
	// may hang instead of saying why.
	if steptest.Echo(t, srv, 1, steptest.MiB) && noWaitersLeft(t, l, ln) && steptest.Echo(t, srv, 20, 64<<10) {
		noWaitersLeft(t, l, ln)
	}
}

// noWaitersLeft requires, once the clients have closed, that the loop have
// no waiter but the acceptor's, on ln. Their coroutines end as soon as
// they read the end of file, in the loop's next iterations: it looks a few
// times.
func noWaitersLeft(t *testing.T, l *loop.Loop, ln int) bool {
	t.Helper()
	var left []string
	for range 10 {
		state := make(chan loop.State, 1)
		l.CallSoonThreadSafe(func() { state <- l.State() })
		s := <-state
		left = nil
		for _, fd := range slices.Concat(s.Readers, s.Writers) {
			if fd != ln {
				left = append(left, fmt.Sprint(fd))
			}
		}
		if len(left) == 0 {
			return true
		}
	}
	t.Errorf("after every client left, the loop still has waiters on fds %v, which no coroutine waits for: "+
		"waitFor must remove the waiter it added, whatever ended the park", left)
	return false
}

// TestBeerThenFruit runs straight.go's BeerThenFruit in a coroutine of your
// scheduler against the talk's service: "apple", asked for with the beer's
// id, the same as step 05's, in straight-line code.
func TestBeerThenFruit(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	r := newRig(t, steptest.Impl(t, impls), false)
	beer := beerapi.NewServer()
	defer beer.Close()
	var fruit string
	var fetchErr error
	r.hub.Spawn("fetch", func(co Co) error {
		fruit, fetchErr = BeerThenFruit(co, beer.URL())
		return nil
	})
	r.start()
	r.wait()
	if p := r.reported(); p != "" {
		t.Fatalf("the loop reported:\n  %s", p)
	}
	if fetchErr != nil || fruit != beerapi.Fruit {
		t.Errorf("BeerThenFruit = %q, %v; want %q, nil", fruit, fetchErr, beerapi.Fruit)
	}
	if diff := cmp.Diff([]string{"/api/beer", "/api/fruit/" + beerapi.Beer}, beer.Paths()); diff != "" {
		t.Errorf("the paths the service was asked for (-want +got):\n%s", diff)
	}
}
