package coroutines

import (
	"errors"
	"fmt"
	"sync"

	"github.com/loopkit/loopkit/loop"
)

// A Hub is the coroutine scheduler of one loop (gevent's name for it): it
// starts coroutines, hands control to them and takes it back, and tells the
// loop, when nothing is left to wait for, which coroutines are stuck.
//
// One hub per loop. Its methods belong to the loop goroutine: the goroutine
// that runs the loop, the loop's callbacks, and the running coroutine, which
// holds the loop goroutine's place while it runs (see the package doc). If
// that goroutine is locked to its thread (runtime.LockOSThread), it must be
// the only one ever to run the loop or call Close: iter.Pull, which switches
// to the coroutines, ends the program rather than switch from another.
type Hub struct {
	// Set by NewHub, then read-only.
	loop *loop.Loop

	// Owned by the loop goroutine, and by the running coroutine in its turn.
	running *Coroutine              // the coroutine that has control, or nil
	live    map[*Coroutine]struct{} // spawned and not yet finished
	nextID  uint64                  // the id of the next coroutine spawned
	closed  bool

	// Set by SetObserver, on the loop goroutine: nil unless someone watches.
	observer Observer

	// goroutines counts the coroutines' goroutines that have not returned,
	// so that Close can wait for them.
	goroutines sync.WaitGroup
}

// ErrHubClosed is the error of a coroutine spawned on a closed hub, and of
// a blocking call made while Close kills the coroutines.
var ErrHubClosed = errors.New("coroutines: hub closed")

// NewHub returns the hub of l and registers its deadlock check with
// l.AddExitCheck: from then on, a Run of l that ends with coroutines still
// parked returns a *DeadlockError naming them.
func NewHub(l *loop.Loop) *Hub {
	h := &Hub{
		loop: l,
		live: make(map[*Coroutine]struct{}),
	}
	l.AddExitCheck(h.exitCheck)
	return h
}

// Loop returns the loop the hub runs on.
func (h *Hub) Loop() *loop.Loop { return h.loop }

// Run runs the loop until nothing is left to wait for, or until Stop, and
// returns the loop's error: a *DeadlockError if coroutines are left parked.
// It is the loop's Run.
func (h *Hub) Run() error { return h.loop.Run() }

// RunUntil runs the loop until co has finished, and returns co's error. If
// the loop ends first (a deadlock, an error of the poller, a Stop), it
// returns the loop's error, or an error saying co has not finished.
func (h *Hub) RunUntil(co *Coroutine) error {
	if !co.Done() {
		co.Link(func(*Coroutine) { h.loop.Stop() })
		if err := h.Run(); err != nil {
			return err
		}
	}
	if !co.Done() {
		return fmt.Errorf("coroutines: RunUntil: the loop stopped before %s finished", co.name)
	}
	return co.Err()
}

// Close kills every coroutine that has not finished and waits until their
// goroutines have returned. It is how a program releases the coroutines a
// deadlock left parked: after Run returns a *DeadlockError, call Close (and
// then close the loop). A killed coroutine runs its deferred calls, during
// which every blocking call fails at once with ErrKilled, so Close resumes
// each in turn, on the calling goroutine, until none is left.
//
// Call Close on the loop goroutine while no coroutine runs: after Run
// returned, or from a loop callback. Spawn after Close returns a coroutine
// that has already failed with ErrHubClosed. Close is idempotent.
func (h *Hub) Close() error {
	if h.running != nil {
		return fmt.Errorf("coroutines: Hub.Close called by coroutine %s; call it from the loop goroutine", h.running.name)
	}
	h.closed = true
	for len(h.live) > 0 {
		for _, co := range h.sorted() {
			h.killNow(co)
		}
	}
	h.goroutines.Wait()
	return nil
}

// killNow kills co and, if it is parked, resumes it at once rather than
// through the ready queue: Close may run when the loop will not run again
// (or is closed already). A resume queued before stays on the loop's ready
// queue and, finding co no longer waiting for it, does nothing.
func (h *Hub) killNow(co *Coroutine) {
	if co.state != parked {
		co.Kill() // created: it finishes without running
		return
	}
	co.killed = true
	co.cancel(ErrKilled)
	co.wakeQueued = true
	h.resume(co)
}

// Coroutines returns the coroutines that have not finished, in the order
// they were spawned. For reports and tests.
func (h *Hub) Coroutines() []*Coroutine { return h.sorted() }

// sorted returns the live coroutines in spawn order.
func (h *Hub) sorted() []*Coroutine {
	cos := make([]*Coroutine, 0, len(h.live))
	for co := range h.live {
		cos = append(cos, co)
	}
	sortByID(cos)
	return cos
}
