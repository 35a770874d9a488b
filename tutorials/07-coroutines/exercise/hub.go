// Package minico is a coroutine scheduler small enough to read in one
// sitting: you finish it in tutorial step 07. Fill in the functions that
// panic with TODO(step07), in handoff.go and wait.go; go test
// ./tutorials/07-coroutines checks them.
//
// A coroutine is a goroutine with a rule: it runs only while the loop
// goroutine waits for it. Control passes over two unbuffered channels,
// the coroutine's resume channel and the hub's yield channel, so that
// exactly one of {the loop, one coroutine} runs at any moment. That
// hand-off, in handoff.go, is the "magic jump" of the gevent talk: from a
// call that looks blocking, straight to the event loop, and back when
// what it waits for has happened. Everything else is bookkeeping (this
// file) and waits built on it (wait.go).
//
// The kit's package coroutines is the same machine with gevent's whole
// toolkit around it: contexts, timeouts, queues, pools, deadlock reports.
// Read its park.go next to handoff.go.
package minico

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"

	"github.com/loopkit/loopkit/loop"
)

// ErrKilled is the error of a blocking call in a killed coroutine, and of
// a killed coroutine that returned nil.
var ErrKilled = errors.New("minico: killed")

// A Hub is the coroutine scheduler of one loop: it starts coroutines,
// hands control to them and takes it back.
type Hub struct {
	// Set by NewHub, then read-only.
	loop  *loop.Loop
	yield chan struct{} // the running coroutine hands control back on it

	// Owned by the loop goroutine, and by the running coroutine in its turn.
	running *Coroutine              // the coroutine that has control, or nil
	live    map[*Coroutine]struct{} // spawned, not finished
	trace   io.Writer               // SetTrace: one line per switch, or nil

	goroutines sync.WaitGroup // the coroutines' goroutines not yet returned
}

// A Coroutine is a function running on a goroutine of its own, which runs
// only while the loop has handed it control. Its methods belong to the
// loop goroutine and to the running coroutine.
type Coroutine struct {
	// Set by Spawn, then read-only.
	hub      *Hub
	name     string
	fn       func(co *Coroutine) error
	resume   chan struct{} // the loop hands control to the coroutine on it
	wakeFunc func()        // co.wake, made once: a waiter to give the loop

	// Owned by the loop goroutine and the running coroutine.
	state   state
	what    string // what it waits on while parked, for the trace
	woken   bool   // a resume is queued on the loop
	killed  bool
	err     error
	joiners []*Coroutine // coroutines parked in Join of this one
}

// The states of a coroutine.
type state int

const (
	created state = iota // spawned, waiting for the loop to start it
	running              // it has control; the loop goroutine waits for it
	parked               // it waits for something and handed control back
	done                 // its function returned (or panicked)
)

// NewHub returns the scheduler of l.
func NewHub(l *loop.Loop) *Hub {
	return &Hub{loop: l, yield: make(chan struct{}), live: map[*Coroutine]struct{}{}}
}

// SetTrace makes the hub print one line to w for each switch between the
// loop and a coroutine; nil stops it.
func (h *Hub) SetTrace(w io.Writer) { h.trace = w }

// Spawn starts fn as a coroutine named name: it runs in the loop's next
// iteration, after what is already queued. Call it from the loop goroutine,
// a coroutine, or before the loop runs.
func (h *Hub) Spawn(name string, fn func(co *Coroutine) error) *Coroutine {
	co := &Coroutine{hub: h, name: name, fn: fn, resume: make(chan struct{})}
	co.wakeFunc = co.wake
	h.live[co] = struct{}{}
	h.loop.CallSoon(func() { h.start(co) })
	return co
}

// start gives a created coroutine its goroutine and its first turn. The
// goroutine begins by waiting for control, like a parked coroutine, so
// that starting is resuming.
func (h *Hub) start(co *Coroutine) {
	if co.state != created {
		return // killed before its turn came
	}
	co.state = parked
	co.what = "its start"
	h.goroutines.Add(1)
	go co.main()
	h.switchTo(co)
}

// main is the body of the coroutine's goroutine. It waits for control,
// calls fn, and however fn ends (a panic too), finishes the coroutine and
// hands control back to the loop for the last time.
func (co *Coroutine) main() {
	defer co.hub.goroutines.Done()
	<-co.resume
	err := errors.New("minico: the coroutine's function did not return") // runtime.Goexit
	defer func() {
		if v := recover(); v != nil {
			err = &loop.PanicError{Value: v, Stack: debug.Stack()}
			co.hub.loop.ReportError(fmt.Errorf("minico: %s: %w", co.name, err))
		}
		co.finish(err)
		co.hub.yield <- struct{}{}
	}()
	err = co.fn(co)
}

// finish records how the coroutine ended and wakes its joiners.
func (co *Coroutine) finish(err error) {
	if co.killed && err == nil {
		err = ErrKilled
	}
	co.state, co.err = done, err
	delete(co.hub.live, co)
	for _, j := range co.joiners {
		j.wake()
	}
	co.joiners = nil
}

// switchTo hands control to a parked coroutine and takes it back (resume,
// in handoff.go), printing the switch with -trace.
func (h *Hub) switchTo(co *Coroutine) {
	h.tracef("loop -> %s", co.name)
	h.resume(co)
	if co.state == done {
		h.tracef("%s -> loop: finished (%v)", co.name, co.err)
		return
	}
	h.tracef("%s -> loop: parked on %s", co.name, co.what)
}

func (h *Hub) tracef(format string, args ...any) {
	if h.trace != nil {
		fmt.Fprintf(h.trace, "     "+format+"\n", args...)
	}
}

// wake queues the resume of the parked coroutine on the loop's ready
// queue. It is what a coroutine gives the loop as a waiter (co.wakeFunc):
// a timer's callback, an fd's reader. Calls while it is not parked, or
// with a resume already queued, do nothing.
func (co *Coroutine) wake() {
	if co.state != parked || co.woken {
		return
	}
	co.woken = true
	co.hub.loop.CallSoon(co.resumeIfParked)
}

// resumeIfParked is the loop callback wake queues.
func (co *Coroutine) resumeIfParked() {
	co.woken = false
	if co.state == parked {
		co.hub.switchTo(co)
	}
}

// Kill kills the coroutine: its blocking calls return ErrKilled from now
// on, the one it is parked in at once. A coroutine killed before it
// started never runs. Kill does not wait; Join does.
func (co *Coroutine) Kill() {
	switch co.state {
	case done:
	case created:
		co.killed = true
		co.finish(ErrKilled)
	default:
		co.killed = true
		co.wake()
	}
}

// Join parks co until other has finished, and returns other's error. It
// returns ErrKilled if co is killed meanwhile.
func (co *Coroutine) Join(other *Coroutine) error {
	for other.state != done {
		other.joiners = append(other.joiners, co)
		if err := co.park("Join " + other.name); err != nil {
			other.removeJoiner(co)
			return err
		}
	}
	return other.err
}

func (co *Coroutine) removeJoiner(j *Coroutine) {
	for i, x := range co.joiners {
		if x == j {
			co.joiners = append(co.joiners[:i], co.joiners[i+1:]...)
			return
		}
	}
}

// KillAll kills every coroutine that has not finished, in no particular
// order. The loop then runs each to its end.
func (h *Hub) KillAll() {
	for co := range h.live {
		co.Kill()
	}
}

// Close kills every coroutine left and resumes the parked ones at once,
// without the loop, until none is left; then it waits for their
// goroutines. Call it on the loop goroutine once the loop has stopped.
func (h *Hub) Close() {
	if h.running != nil {
		panic("minico: Close called by coroutine " + h.running.name + "; call it from the loop goroutine")
	}
	for len(h.live) > 0 {
		for co := range h.live {
			co.killed = true
			switch co.state {
			case created:
				co.finish(ErrKilled)
			case parked:
				h.switchTo(co)
			}
		}
	}
	h.goroutines.Wait()
}

// Live returns the number of coroutines not finished.
func (h *Hub) Live() int { return len(h.live) }

// Name returns the coroutine's name.
func (co *Coroutine) Name() string { return co.name }

// Done reports whether the coroutine has finished.
func (co *Coroutine) Done() bool { return co.state == done }

// Err returns how the coroutine ended, once Done: what its function
// returned, ErrKilled, or the panic.
func (co *Coroutine) Err() error { return co.err }
