// Package netconn makes a socket on the kit's loop a net.Conn and a
// net.Listener, so that code written for package net (bufio.Scanner,
// net/http) runs on the hand-written loop unchanged: a known-wrong
// version for the checks of tutorial step 09: start tries the system call
// before it looks at the deadline.
//
// It is the Go counterpart of gevent's monkey-patching. gevent replaces
// Python's socket module with one whose calls yield to the hub; Go code is
// written against interfaces, so implementing them is enough. Each
// blocking call of a goroutine (net/http starts one per connection)
// becomes a request handed to the loop with CallSoonThreadSafe: the loop
// tries the system call, and if it would block, keeps the request until
// the fd is ready, or its deadline (a loop timer) passes, or the socket is
// closed. Then the goroutine gets the outcome over a channel. Every wait
// is still the loop's one poll.
//
// The kit's package coroutines does the same in goroutine mode
// (coroutines/netconn.go), with fewer allocations and a waiter kept
// between calls. Read it after this one.
package netconn

import (
	"errors"
	"net"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// A socket is what Conn and Listener share: an fd on a loop, and for each
// direction the call waiting there and the deadline. Its methods run on
// the loop goroutine, except those of its gate.
type socket struct {
	// Set by newSocket, then read-only.
	loop *loop.Loop
	fd   int
	gate gate

	// Owned by the loop goroutine.
	read, write direction
	closed      bool
}

// A direction is one way through a socket: reading (or accepting), or
// writing.
type direction struct {
	writing  bool          // waits for writability, not readability
	pending  *request      // the call waiting for the fd, or nil
	watching bool          // the loop has our waiter for the fd
	timer    *timers.Timer // fires at the deadline, or nil
	expired  bool          // the deadline has passed: calls fail until it moves
	readyFn  func()        // s.ready(d), made once
}

// A request is one blocking call, handed by a goroutine to the loop.
type request struct {
	attempt func() error // the system call; unix.EAGAIN: wait for the fd
	done    chan struct{}
	once    sync.Once
	err     error
}

func newRequest(attempt func() error) *request {
	return &request{attempt: attempt, done: make(chan struct{})}
}

// finish ends the request with err and releases the goroutine waiting
// for it. It happens once: later calls do nothing.
func (r *request) finish(err error) {
	r.once.Do(func() {
		r.err = err
		close(r.done)
	})
}

func newSocket(l *loop.Loop, fd int) *socket {
	s := &socket{loop: l, fd: fd, write: direction{writing: true}}
	s.read.readyFn = func() { s.ready(&s.read) }
	s.write.readyFn = func() { s.ready(&s.write) }
	s.gate.release = l.Hold() // the loop runs while the socket is open
	return s
}

// errPanicked is the error of a call whose loop side panicked; the loop
// reports the panic itself.
var errPanicked = errors.New("netconn: the loop's side of this call panicked (the loop's error handler has the panic)")

// call hands r to the loop, to start in direction d, and waits until it
// is finished. It runs on the caller's goroutine.
func (s *socket) call(d *direction, r *request) error {
	if !s.gate.enter() {
		return net.ErrClosed
	}
	defer s.gate.exit()
	err := s.loop.CallSoonThreadSafe(func() {
		ok := false
		defer func() {
			if !ok {
				r.finish(errPanicked) // then the panic goes on, to the loop
			}
		}()
		s.start(d, r)
		ok = true
	})
	if err != nil {
		return err
	}
	<-r.done
	return r.err
}

// start starts r, a call in direction d, on the loop goroutine: a closed
// socket or a passed deadline fails it at once; else the system call is
// tried, and if it would block, r waits in d for the fd to be ready.
func (s *socket) start(d *direction, r *request) {
	if s.closed {
		r.finish(net.ErrClosed)
		return
	}
	err := r.attempt() // the mistake: data that is there is read, deadline or not
	if d.expired && sock.WouldBlock(err) {
		r.finish(os.ErrDeadlineExceeded)
		return
	}
	if !sock.WouldBlock(err) {
		r.finish(err)
		return
	}
	if err := s.watch(d); err != nil {
		r.finish(err)
		return
	}
	d.pending = r
}

// ready is the loop waiter of direction d: the fd is ready (or has an
// error, which the system call will return). It retries the pending call;
// if that would block again, the call goes on waiting.
func (s *socket) ready(d *direction) {
	r := d.pending
	if r == nil {
		s.unwatch(d)
		return
	}
	err := r.attempt()
	if sock.WouldBlock(err) {
		return // a wake-up for nothing: wait on
	}
	d.pending = nil
	s.unwatch(d)
	r.finish(err)
}

// setDeadline sets direction d's deadline to t, on the loop goroutine: the
// zero time removes it; a time not after the loop's now has passed
// already; a later one is a loop timer. A new deadline replaces the old
// one, even while a call waits.
func (s *socket) setDeadline(d *direction, t time.Time) {
	if d.timer != nil {
		d.timer.Cancel()
		d.timer = nil
	}
	d.expired = false
	switch {
	case s.closed || t.IsZero():
	case !t.After(s.loop.Now()):
		s.expire(d)
	default:
		d.timer = s.loop.CallAt(t, func() {
			d.timer = nil
			s.expire(d)
		})
	}
}

// expire marks d's deadline passed and fails the call waiting there.
func (s *socket) expire(d *direction) {
	d.expired = true
	if r := d.pending; r != nil {
		d.pending = nil
		s.unwatch(d)
		r.finish(os.ErrDeadlineExceeded)
	}
}

// closeOnLoop closes the socket on the loop goroutine: the calls waiting in
// either direction fail with net.ErrClosed, the timers and waiters go,
// then the fd is closed.
func (s *socket) closeOnLoop() error {
	if s.closed {
		return net.ErrClosed
	}
	s.closed = true
	for _, d := range []*direction{&s.read, &s.write} {
		if d.timer != nil {
			d.timer.Cancel()
			d.timer = nil
		}
		s.unwatch(d) // before the fd is closed: its number may be reused at once
		if r := d.pending; r != nil {
			d.pending = nil
			r.finish(net.ErrClosed)
		}
	}
	return os.NewSyscallError("close", unix.Close(s.fd))
}

// watch gives the loop d's waiter for the fd, if it does not have it.
func (s *socket) watch(d *direction) error {
	if d.watching {
		return nil
	}
	add := s.loop.AddReader
	if d.writing {
		add = s.loop.AddWriter
	}
	if err := add(s.fd, d.readyFn); err != nil {
		return err
	}
	d.watching = true
	return nil
}

// unwatch takes d's waiter back from the loop.
func (s *socket) unwatch(d *direction) {
	if !d.watching {
		return
	}
	d.watching = false
	if d.writing {
		s.loop.RemoveWriter(s.fd)
	} else {
		s.loop.RemoveReader(s.fd)
	}
}

// closeSocket runs closeOnLoop on the loop and waits for it, once: later calls
// get net.ErrClosed.
func (s *socket) closeSocket() error {
	if !s.gate.enterClose() {
		return net.ErrClosed
	}
	defer s.gate.exit()
	r := newRequest(nil)
	err := s.loop.CallSoonThreadSafe(func() {
		ok := false
		defer func() {
			if !ok {
				r.finish(errPanicked)
			}
		}()
		r.finish(s.closeOnLoop())
		ok = true
	})
	if err != nil {
		return err
	}
	<-r.done
	return r.err
}

// postDeadline hands a new deadline to the loop without waiting: the calls
// the goroutine makes afterwards are queued after it, and see it.
func (s *socket) postDeadline(d *direction, t time.Time) error {
	if !s.gate.enter() {
		return net.ErrClosed
	}
	err := s.loop.CallSoonThreadSafe(func() {
		defer s.gate.exit()
		s.setDeadline(d, t)
	})
	if err != nil {
		s.gate.exit()
	}
	return err
}

// A gate counts the calls in flight on a socket, so that the loop is let
// go (its Hold released) only once the socket is closed and the last call
// has returned: a call that got in is sure to find the loop running.
type gate struct {
	release func()

	mu     sync.Mutex // guards the fields below
	closed bool
	calls  int
}

// enter counts a call in, or reports false if the socket is closed.
func (g *gate) enter() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.calls++
	return true
}

// enterClose marks the socket closed and counts Close in, or reports false
// if it was closed already.
func (g *gate) enterClose() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.closed = true
	g.calls++
	return true
}

// exit counts a call out; the last out of a closed socket lets the loop go.
func (g *gate) exit() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls--
	if g.closed && g.calls == 0 {
		g.release()
	}
}
