// Package stage runs one scenario: its Hooks put the loop the program
// makes on a fake clock, with a trace.Recorder attached, and the program's
// coroutine hub under the recorder; and it plays the world outside the
// loop, one step at a time, whenever the loop is about to wait for it.
//
// # The rule that makes a run repeat
//
// A loop that serves real sockets sees the world in the order the kernel
// reports it, and two clients that act at once can be reported in either
// order, together or apart. So the world never acts at once here: a Step
// (a client connects, sends a line, closes; a server answers) runs only
// when the loop is about to block in poll with nothing ready (see idle),
// on the loop goroutine, before the poll. Each step causes one event the
// loop will see, the loop handles it and all that follows from it, and
// only when it would block again does the next step run. With the clock
// fake as well (it moves only when nothing else can happen, straight to
// the next timer's deadline), a run is the same, poll for poll, every time
// and on every backend.
//
// The programs under test are the kit's examples, which make their loops
// and hubs themselves: a scenario gives the program's Config the stage's
// Hooks, which put the fake clock and the observers on the loop and the
// recorder on the hub, and tell the stage which loop and hub to drive.
// Each run has a stage of its own.
package stage

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
	"github.com/loopkit/loopkit/trace"
	"golang.org/x/sys/unix"
)

// Epoch is where a stage's fake clock starts.
var Epoch = time.Date(2014, 7, 23, 12, 0, 0, 0, time.UTC)

// A Step is one move of the world outside the loop. Do runs on the loop
// goroutine while the loop is about to block; it must cause exactly one
// event the loop will see (or none, for the last step, which lets the
// program end), and it may block on the world, not on the loop.
type Step struct {
	Name string
	Do   func() error
}

// A Stage is the setting of one run. Its fields are set by New; the loop
// and hub when the program makes them.
type Stage struct {
	// Set by New, then read-only.
	backend  string
	clock    *timers.Fake
	rec      *trace.Recorder
	pause    func(s *Stage) // step-by-step mode, or nil
	begin    chan struct{}  // closed by Begin: the steps may run
	finished chan struct{}  // closed by Finish

	// Set by the Hooks, on the goroutine that makes the loop, before the
	// loop runs.
	loop *loop.Loop
	hub  *coroutines.Hub

	// Owned by the loop goroutine, once Begin has run.
	steps []Step

	mu    sync.Mutex // guards errs and ended
	errs  []error
	ended bool
}

// New returns a stage on backend ("" for the default). pause, if not nil,
// is called at the start of every iteration, on the loop goroutine, before
// anything of it is recorded: loopkit trace --step waits there for Enter.
func New(backend string, pause func(s *Stage)) *Stage {
	return &Stage{
		backend:  backend,
		clock:    timers.NewFake(Epoch),
		rec:      trace.NewRecorder(),
		pause:    pause,
		begin:    make(chan struct{}),
		finished: make(chan struct{}),
	}
}

// Backend returns the stage's backend, for a program's Config.
func (s *Stage) Backend() string { return s.backend }

// Recorder returns the recorder of the run.
func (s *Stage) Recorder() *trace.Recorder { return s.rec }

// Loop returns the loop the program made, or nil before.
func (s *Stage) Loop() *loop.Loop { return s.loop }

// Hub returns the hub the program made, or nil if it made none.
func (s *Stage) Hub() *coroutines.Hub { return s.hub }

// Note records a line in lane (see trace.Recorder.Note). Loop goroutine.
func (s *Stage) Note(lane, format string, args ...any) {
	s.rec.Note(lane, fmt.Sprintf(format, args...))
}

// Script sets the steps the world will take, in order. Call it before
// Begin.
func (s *Stage) Script(steps ...Step) { s.steps = steps }

// Begin lets the steps run: until then, a loop that would block waits for
// Begin (so that the program's addresses are known to the steps).
func (s *Stage) Begin() { close(s.begin) }

// Finish ends the script: the program may now be shut down. A script's
// last step calls it, and so does a failure.
func (s *Stage) Finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ended {
		s.ended = true
		close(s.finished)
	}
}

// Finished is closed once the script has ended, well or not.
func (s *Stage) Finished() <-chan struct{} { return s.finished }

// ReportError keeps err: the run fails with it. It is the error handler of
// the program's loop; any goroutine may call it.
func (s *Stage) ReportError(err error) {
	s.mu.Lock()
	s.errs = append(s.errs, err)
	s.mu.Unlock()
}

// Err returns the errors of the run, joined, or nil.
func (s *Stage) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return errors.Join(s.errs...)
}

// fail reports err and ends the script, so that the program is shut down
// rather than left waiting for a step that will not come.
func (s *Stage) fail(err error) {
	s.ReportError(err)
	s.Finish()
}

// Hooks returns what puts a program on the stage; give them to its Config
// (examples.Config, fetch.Config), with Backend() and ReportError. Its loop
// runs on the stage's fake clock and tells its steps to the recorder, to
// the pause of step-by-step mode and to the driver of the script; its hub
// tells the recorder of its hand-offs. A program with Loops 0 or 1 makes
// one loop: a second one fails the run.
func (s *Stage) Hooks() examples.Hooks {
	return examples.Hooks{
		LoopOptions: []loop.Option{
			loop.WithClock(s.clock),
			loop.WithObserver(loop.Tee(&pauser{s: s}, s.rec, &driver{s: s})),
		},
		OnLoop: s.loopMade,
		OnHub:  s.hubMade,
	}
}

// NewLoop makes a loop on the stage, for a program that makes its own
// rather than take a Config (print_sum).
func (s *Stage) NewLoop() (*loop.Loop, error) {
	return s.Hooks().NewLoop(s.backend, s.ReportError)
}

// NewHub makes the hub of the stage's loop, for a program that makes its
// own (print_sum).
func (s *Stage) NewHub(l *loop.Loop) *coroutines.Hub {
	hub := coroutines.NewHub(l)
	s.hubMade(hub)
	return hub
}

// loopMade is the Hooks' OnLoop: the recorder reads the loop's state and
// clock, and the driver its waiters.
func (s *Stage) loopMade(l *loop.Loop) {
	if s.loop != nil {
		s.fail(errors.New("stage: the program made a second loop; scenarios run on one (Loops 0 or 1)"))
		return
	}
	s.rec.Attach(l)
	s.loop = l
}

// hubMade is the Hooks' OnHub: the hub tells the recorder of its
// hand-offs, and step-by-step mode lists its coroutines.
func (s *Stage) hubMade(h *coroutines.Hub) {
	h.SetObserver(s.rec)
	s.hub = h
}

// A pauser calls the stage's pause at the start of each iteration.
type pauser struct {
	loop.NopObserver
	s *Stage
}

func (p *pauser) IterationStarted(uint64) {
	if p.s.pause != nil {
		p.s.pause(p.s)
	}
}

// A driver plays the world: when the loop is about to block, it runs the
// next step (see idle).
type driver struct {
	loop.NopObserver
	s *Stage
}

func (d *driver) PollStarted(timeout time.Duration) {
	if timeout < 0 {
		d.s.idle()
	}
}

// idle is called when the loop is about to block in poll for ever (on a
// fake clock it never sleeps for a timer). It does the first of:
//   - nothing, if an fd the loop watches is ready already: the poll will
//     return it, and the next step waits for the loop to be idle again;
//   - the next step of the script;
//   - move the clock to the next timer's deadline;
//   - fail: nothing is left that could wake the loop.
func (s *Stage) idle() {
	<-s.begin
	state := s.loop.State()
	if readyNow(state) {
		return
	}
	select {
	case <-s.finished:
		return // shutting down: the program's Close wakes the loop
	default:
	}
	if len(s.steps) > 0 {
		step := s.steps[0]
		s.steps = s.steps[1:]
		if err := step.Do(); err != nil {
			s.fail(fmt.Errorf("step %q: %w", step.Name, err))
		}
		return
	}
	if len(state.Timers) > 0 {
		s.clock.Advance(state.Timers[0].Sub(state.Now))
		return
	}
	s.fail(errors.New("the loop waits, but the script has no step left and no timer is pending"))
}

// readyNow reports whether an fd the loop watches is ready already, by a
// poll(2) that does not wait. It only looks: the loop's own poller is not
// touched.
func readyNow(st loop.State) bool {
	var fds []unix.PollFd
	for _, fd := range st.Readers {
		fds = append(fds, unix.PollFd{Fd: int32(fd), Events: unix.POLLIN})
	}
	for _, fd := range st.Writers {
		fds = append(fds, unix.PollFd{Fd: int32(fd), Events: unix.POLLOUT})
	}
	if len(fds) == 0 {
		return false
	}
	for {
		n, err := unix.Poll(fds, 0)
		if err == unix.EINTR {
			continue
		}
		return err == nil && n > 0
	}
}

// StepsLeft returns the names of the steps that have not run. Call it once
// the loop has ended.
func (s *Stage) StepsLeft() []string {
	var names []string
	for _, step := range s.steps {
		names = append(names, step.Name)
	}
	return names
}
