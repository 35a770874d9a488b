package coroutines

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// An fdWaiter is one direction of a socket (its reads, or its writes, or a
// listener's accepts) as the loop sees it: who waits there, the loop waiter
// that wakes them, and the direction's deadline. Conn, Listener and
// PacketConn each have one per direction; every blocking call of this file's
// neighbours is built on it.
//
// At most one call waits in a direction at a time. It is either a coroutine
// parked in wait (coroutine mode), or a request a goroutine handed to the
// loop with submit (goroutine mode, see netconn.go). The loop waiter, onReady,
// serves both: it wakes the coroutine, or retries the request's system call
// right there on the loop goroutine.
//
// # The sticky waiter
//
// The loop waiter is added on the first EAGAIN and then left in place while
// calls keep coming back to wait: an echo server reads, parks, wakes, reads,
// writes, and parks again, and each AddReader/RemoveReader pair would cost
// an epoll_ctl round trip for nothing. The waiter removes itself only when
// it fires and nobody waits, which is when the socket became ready while the
// coroutine was busy elsewhere: then it would fire on every iteration
// (readiness is level-triggered) until the data was read. So a steady echo
// round trip costs no epoll_ctl at all (TestConnSteadyEchoCostsNoInterestChange
// counts them), and an idle connection that nobody reads costs one wake-up
// and one removal.
//
// Go's netpoller goes further: it registers each fd once, for both
// directions, edge-triggered, and never tells the kernel anything again.
// The kit stays level-triggered, as libuv does, so that every backend,
// select and poll included, behaves the same way.
type fdWaiter struct {
	// Set by init, then read-only.
	loop   *loop.Loop
	fd     int
	write  bool   // waits for writability, not readability
	call   string // the call that waits here, for errors: "Conn.Read"
	doing  string // what that call does, for errors: "reading"
	ready  func() // onReady as a func value, made once: no allocation per wait
	expire func() // onDeadline, likewise
	forget func() // leave, the undo of a park, likewise

	// Owned by the loop goroutine, and by the coroutine it has handed
	// control to (only one of them runs at a time).
	watching bool          // the loop has our waiter (sticky: see above)
	firing   bool          // the loop is running our waiter now: see arm
	co       *Coroutine    // the coroutine parked here, until it resumes
	req      *request      // the goroutine's request waiting here
	closed   bool          // the socket was closed: every call fails
	expired  bool          // the deadline passed: calls time out until it moves
	timer    *timers.Timer // fires at the deadline, or nil
}

// init sets the waiter up for one direction of fd.
func (w *fdWaiter) init(l *loop.Loop, fd int, write bool, call, doing string) {
	*w = fdWaiter{loop: l, fd: fd, write: write, call: call, doing: doing}
	w.ready = w.onReady
	w.expire = w.onDeadline
	w.forget = w.leave
}

// check returns why a call in this direction cannot go on, or nil: the
// socket is closed (net.ErrClosed), another call waits here (a
// ConcurrentUseError), or the deadline has passed (os.ErrDeadlineExceeded).
// Calls check before every system call, as Go's net does, so a deadline in
// the past fails a call even if data is waiting, and a second writer is
// refused before any of its bytes can land in the middle of the first
// writer's.
func (w *fdWaiter) check() error {
	switch {
	case w.closed:
		return net.ErrClosed
	case w.co != nil || w.req != nil:
		return &ConcurrentUseError{Call: w.call, Doing: w.doing, FD: w.fd}
	case w.expired:
		return os.ErrDeadlineExceeded
	}
	return nil
}

// wait parks co until the direction is ready, its deadline passes, the
// socket is closed, or ctx is done; it returns ctx's cause in the last
// case. The caller has just called check, so nobody else waits here. A nil
// return only means "try again": the caller checks again and retries its
// system call, so a wake for nothing (a spurious wake) is harmless.
func (w *fdWaiter) wait(ctx context.Context, co *Coroutine) error {
	if err := w.arm(); err != nil {
		return err
	}
	w.co = co
	err := co.park(ctx, w.call, w.forget)
	w.co = nil
	return err
}

// leave is the undo of wait's park: a killed or timed-out coroutine no
// longer waits here. Its loop waiter stays; if it fires with nobody
// waiting, it removes itself.
func (w *fdWaiter) leave() { w.co = nil }

// arm makes our loop waiter the fd's, for a wait that begins now. The
// first time it adds the waiter, which tells the poller (an epoll_ctl on
// epoll); after that the waiter is still there (sticky), and arm replaces
// it with itself. That costs no system call, since the fd's interest does
// not change, but gives the waiter a new generation, and it matters:
//
// The loop may hold an event for the old waiter that it has not run yet:
// the loop queues every ready fd's waiter after a poll, and a coroutine
// resumed by another callback of the same iteration may read the data,
// answer, read again, find nothing and park before that event's turn. Then
// the stale event would wake it for nothing, a second round trip through
// the loop. With a new generation the loop sees the event is for a waiter
// that has gone, and drops it (see package waiters). If the fd is really
// ready again, the next poll says so.
//
// A wait that begins while our waiter is firing (the echo's: woken by
// onReady, the coroutine reads, writes and parks again in the waiter's
// turn) keeps the waiter as it is: the event being run is this iteration's
// one event for the fd in this direction, so no stale one can follow it.
// That saves the AddReader a wake-up would make, and its walk through the
// loop's checks on a stack that, with many coroutines, is no longer in the
// cache.
func (w *fdWaiter) arm() error {
	if w.watching && w.firing {
		return nil
	}
	var err error
	if w.write {
		err = w.loop.AddWriter(w.fd, w.ready)
	} else {
		err = w.loop.AddReader(w.fd, w.ready)
	}
	if err != nil {
		return err
	}
	w.watching = true
	return nil
}

// unwatch removes the loop waiter if it is there.
func (w *fdWaiter) unwatch() {
	if !w.watching {
		return
	}
	w.watching = false
	if w.write {
		w.loop.RemoveWriter(w.fd)
	} else {
		w.loop.RemoveReader(w.fd)
	}
}

// onReady is the loop waiter: the fd is ready in our direction (or has an
// error, which the next system call will return). It wakes whoever waits,
// or, with nobody waiting, removes itself.
func (w *fdWaiter) onReady() {
	switch {
	case w.co != nil:
		// The coroutine runs now, in this waiter's turn: it reads what
		// made the fd ready and parks again before the loop polls.
		w.firing = true
		w.co.resumeNow()
		w.firing = false
	case w.req != nil:
		w.retry()
	default:
		w.unwatch()
	}
}

// submit starts a goroutine's request on the loop goroutine: it tries the
// system call at once, and if that would block, leaves the request for
// onReady to retry. The request is finished (and its goroutine released)
// exactly once, here, in retry, or by a deadline or Close.
func (w *fdWaiter) submit(r *request) {
	if err := w.check(); err != nil {
		r.finish(err)
		return
	}
	err := r.attempt()
	if !sock.WouldBlock(err) {
		r.finish(err)
		return
	}
	if err := w.arm(); err != nil {
		r.finish(err)
		return
	}
	w.req = r
}

// retry tries the waiting request's system call again, now that the fd is
// ready, and finishes the request unless it would still block.
func (w *fdWaiter) retry() {
	r := w.req
	err := r.attempt()
	if sock.WouldBlock(err) {
		return
	}
	w.req = nil
	r.finish(err)
}

// setDeadline moves the direction's deadline to t (zero: none), on the
// loop's clock. A deadline now or in the past expires at once, waking the
// call that waits; a later one is a loop timer, never a runtime timer. The
// previous deadline's timer is cancelled, so moving a deadline while a call
// waits is safe: only the current one can fire.
func (w *fdWaiter) setDeadline(t time.Time) {
	if w.timer != nil {
		w.timer.Cancel()
		w.timer = nil
	}
	w.expired = false
	switch {
	case w.closed || t.IsZero():
	case !w.loop.Now().Before(t):
		w.onDeadline()
	default:
		w.timer = w.loop.CallAt(t, w.expire)
	}
}

// onDeadline runs when the deadline passes: calls now fail with
// os.ErrDeadlineExceeded until the deadline moves, starting with the one
// that waits.
func (w *fdWaiter) onDeadline() {
	w.timer = nil
	w.expired = true
	w.release(os.ErrDeadlineExceeded)
}

// close makes every later call fail with net.ErrClosed and wakes the one
// that waits. The caller closes the fd afterwards: the loop waiter must be
// removed while the fd is still open (see loop.RemoveReader).
func (w *fdWaiter) close() {
	w.unwatch()
	w.closed = true
	if w.timer != nil {
		w.timer.Cancel()
		w.timer = nil
	}
	w.release(net.ErrClosed)
}

// release ends the wait of whoever waits, with cause: a request is finished
// with it; a coroutine is woken, and finds cause with check.
func (w *fdWaiter) release(cause error) {
	if w.co != nil {
		w.co.wake()
	}
	if r := w.req; r != nil {
		w.req = nil
		r.finish(cause)
	}
}

// A request is a blocking call that a goroutine (not a coroutine) handed to
// the loop: attempt does its system call on the loop goroutine, and finish
// hands the outcome back over done. Each conn keeps one request per
// direction and reuses it, so a call allocates nothing.
type request struct {
	// attempt makes the system call: nil or an error ends the request;
	// unix.EAGAIN means wait for readiness and attempt again. Set once.
	attempt func() error
	done    chan struct{} // buffered: finish never blocks the loop
	err     error         // the outcome, written by finish
}

// init makes the request's channel and sets its attempt.
func (r *request) init(attempt func() error) {
	r.attempt = attempt
	r.done = make(chan struct{}, 1)
}

// finish records err and releases the goroutine that waits in r.wait.
func (r *request) finish(err error) {
	r.err = err
	r.done <- struct{}{}
}

// A ConcurrentUseError is returned when a second coroutine (or goroutine
// request) tries to wait in a direction where another call already waits:
// two coroutines reading the same connection at once would each get part of
// the stream, in no defined order. gevent raises ConcurrentObjectUseError
// for the same mistake.
type ConcurrentUseError struct {
	Call  string // the call that was refused, such as "Conn.Read"
	Doing string // what it does, such as "reading"
	FD    int
}

func (e *ConcurrentUseError) Error() string {
	return fmt.Sprintf("coroutines: %s: another coroutine is already %s fd %d", e.Call, e.Doing, e.FD)
}
