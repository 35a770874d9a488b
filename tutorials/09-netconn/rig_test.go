package main

import (
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// A rig is a kit loop on a fake clock, running in a goroutine of its own,
// with a listener of the version under check, one connection accepted
// from it (conn, the one the checks look at) and its peer, a net.Conn of
// Go's own net package.
type rig struct {
	t     *testing.T
	loop  *loop.Loop
	clock *timers.Fake
	ln    net.Listener
	conn  net.Conn // accepted by ln: the version's Conn
	peer  net.Conn // Go's: the other end
	ended chan error

	mu       sync.Mutex // guards problems
	problems []string
}

// bound is how long a check waits for anything.
func bound() time.Duration { return steptest.Scale(3 * time.Second) }

// newRig starts the loop and makes the connection. The test's end closes
// everything, and requires the loop to end: a socket left open, or a call
// still in flight, would keep it running.
func newRig(t *testing.T, listen listenFunc) *rig {
	t.Helper()
	r := &rig{t: t, clock: timers.NewFake(time.Date(2014, 7, 21, 9, 0, 0, 0, time.UTC)), ended: make(chan error, 1)}
	l, err := loop.New(loop.WithClock(r.clock), loop.WithErrorHandler(func(err error) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.problems = append(r.problems, todo.Reported(err).Error())
	}))
	if err != nil {
		t.Fatal(err)
	}
	r.loop = l
	ln, err := listen(l, "127.0.0.1:0")
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	r.ln = ln
	go func() { r.ended <- l.Run() }() // runs while the listener holds it
	t.Cleanup(r.close)

	accepted := make(chan net.Conn, 1)
	acceptErr := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			acceptErr <- err
			return
		}
		accepted <- c
	}()
	peer, err := net.DialTimeout("tcp", ln.Addr().String(), bound())
	if err != nil {
		t.Fatal(err)
	}
	r.peer = peer
	peer.SetDeadline(time.Now().Add(bound()))
	select {
	case r.conn = <-accepted:
	case err := <-acceptErr:
		r.settle() // the loop reports a panic after the call it failed returned
		t.Fatalf("Accept: %v%s", err, r.explain())
	case <-time.After(bound()):
		t.Fatalf("Accept did not return within %v of a client connecting%s", bound(), r.explain())
	}
	return r
}

// close closes the sockets and waits for the loop to end.
func (r *rig) close() {
	if r.peer != nil {
		r.peer.Close()
	}
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		if r.conn != nil {
			r.conn.Close()
		}
		r.ln.Close()
	}()
	wait := bound()
	if r.t.Failed() {
		wait /= 30 // a failed check may have left a call stuck: say nothing more
	}
	select {
	case <-closed:
	case <-time.After(wait):
		return
	}
	select {
	case <-r.ended:
		r.loop.Close()
	case <-time.After(wait):
		if !r.t.Failed() {
			r.t.Errorf("the listener and the connection are closed, but the loop still runs %v later: "+
				"something still holds it (a call still waiting?)%s", wait, r.explain())
		}
	}
}

// settle lets the loop run what is queued, and what that queues.
func (r *rig) settle() {
	r.t.Helper()
	for range 3 {
		done := make(chan struct{})
		if r.loop.CallSoonThreadSafe(func() { close(done) }) != nil {
			return
		}
		select {
		case <-done:
		case <-r.ended:
			r.ended <- nil
			return
		case <-time.After(bound()):
			r.t.Fatalf("the loop did not run a callback within %v%s", bound(), r.explain())
		}
	}
}

// explain adds what the loop reported to a failure.
func (r *rig) explain() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.problems) == 0 {
		return ""
	}
	return "\n  the loop reported:\n  " + strings.Join(r.problems, "\n  ")
}

// An outcome is what a call returned.
type outcome struct {
	n   int
	err error
}

// inBackground runs call in a goroutine, and returns the channel of its
// outcome.
func inBackground(call func() (int, error)) <-chan outcome {
	ch := make(chan outcome, 1)
	go func() {
		n, err := call()
		ch <- outcome{n, err}
	}()
	return ch
}

// stillWaiting requires ch to have no outcome yet, once the loop has
// settled.
func (r *rig) stillWaiting(ch <-chan outcome, what string) {
	r.t.Helper()
	r.settle()
	select {
	case o := <-ch:
		r.t.Fatalf("%s: returned (%d, %v), want it still waiting%s", what, o.n, o.err, r.explain())
	default:
	}
}

// returns waits for ch's outcome.
func (r *rig) returns(ch <-chan outcome, what string) outcome {
	r.t.Helper()
	select {
	case o := <-ch:
		return o
	case <-time.After(bound()):
		r.t.Fatalf("%s: still waiting %v later%s", what, bound(), r.explain())
		return outcome{}
	}
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/09-netconn/hints.md quotes each check's message, with three hints per function")
	}
}
