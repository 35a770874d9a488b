package looptest

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// Loop is what TestLoop drives: the methods of loop.Loop its checks call.
// A loop of your own (tutorial step 04) passes by having them, as any
// fs.FS passes to fstest.TestFS.
type Loop interface {
	AddReader(fd int, fn func()) error
	AddWriter(fd int, fn func()) error
	RemoveReader(fd int) bool
	RemoveWriter(fd int) bool
	CallSoon(fn func())
	CallLater(d time.Duration, fn func()) *timers.Timer
	CallSoonThreadSafe(fn func()) error
	RunOnce() error
	Run() error
	Stop()
	Close() error
}

// Config is what TestLoop hands the loop under test: wait in Poller, read
// the time from Clock, report errors (a callback's panic) to OnError.
//
// The Poller is a real backend (LOOPKIT_BACKEND, or the best of the OS)
// wrapped so that the checks can count the polls and read their timeouts.
// Clock is a timers.Fake, except in the checks that need real time.
type Config struct {
	Poller  loop.Poller
	Clock   timers.Clock
	OnError func(error)
}

// TestLoop checks that the loops newLoop makes keep the rules of
// loop/doc.go. It runs in stages, each a subtest: 1-ReadyQueue,
// 2-Readers, 3-Timers, 4-Wakeup, 5-Errors. A stage is skipped while an
// earlier one fails, so a student sees one stage at a time and can run one
// with -run 'TestLoop/2-'.
//
// A pass proves: callbacks run FIFO and a callback queued during the run
// phase waits for the next iteration; readers and writers run when their fd
// is ready, level-triggered, and never after they were removed, also when
// an earlier callback of the same iteration removed them or reused their
// fd's number; timers run in deadline order, ties FIFO, never when
// cancelled, and the loop sleeps until the next deadline rather than spin;
// CallSoonThreadSafe wakes a loop asleep in poll; Stop ends Run, and Run
// ends by itself when nothing is left; a panic reaches OnError and the loop
// goes on. Each check runs on a fresh loop under a watchdog, and closes the
// loop and its fds when done.
func TestLoop(t *testing.T, newLoop func(Config) (Loop, error), opts ...Option) {
	backend := os.Getenv("LOOPKIT_BACKEND")
	if backend == "" {
		backend = loop.Backends()[0]
	}
	env := &loopEnv{newLoop: newLoop, backend: backend, scale: timeScale(t), dir: packageDir(), explain: applyOptions(opts).explain}
	failed := ""
	for _, stage := range loopStages {
		t.Run(stage.name, func(t *testing.T) {
			if failed != "" {
				t.Skipf("finish stage %s first", failed)
			}
			for _, c := range stage.checks {
				t.Run(c.name, func(t *testing.T) { env.run(t, c) })
			}
			if t.Failed() {
				failed = stage.name
			}
		})
	}
}

type loopStage struct {
	name   string
	checks []loopCheckCase
}

type loopCheckCase struct {
	name     string
	check    func(c *loopCheck)
	realTime bool // on timers.Real: the check measures what the loop asks of its poller
}

// loopStages lists every check, in the order a loop is built.
var loopStages = []loopStage{
	{"1-ReadyQueue", []loopCheckCase{
		{name: "CallSoonRunsInOrder", check: loopCallSoonRunsInOrder},
		{name: "CallbackQueuedWhileRunningWaitsForNextIteration", check: loopQueuedWhileRunningWaits},
		{name: "ReadyCallbackMeansNoSleep", check: loopReadyCallbackMeansNoSleep},
	}},
	{"2-Readers", []loopCheckCase{
		{name: "ReaderRunsWhenReadable", check: loopReaderRunsWhenReadable},
		{name: "ReaderWaitsWhileNotReadable", check: loopReaderWaitsWhileNotReadable},
		{name: "LevelTriggered", check: loopLevelTriggered},
		{name: "WriterRunsWhenWritable", check: loopWriterRunsWhenWritable},
		{name: "ReaderAndWriterOfOneFD", check: loopReaderAndWriterOfOneFD},
		{name: "RemovedReaderNeverRuns", check: loopRemovedReaderNeverRuns},
		{name: "RemovedByEarlierCallbackNotDispatched", check: loopRemovedByEarlierCallback},
		{name: "ReusedFDNotDispatchedToOldWaiter", check: loopReusedFDNotDispatched},
	}},
	{"3-Timers", []loopCheckCase{
		{name: "TimerWaitsForItsDeadline", check: loopTimerWaitsForDeadline},
		{name: "DeadlineOrder", check: loopDeadlineOrder},
		{name: "EqualDeadlinesRunInSchedulingOrder", check: loopEqualDeadlinesFIFO},
		{name: "CancelledTimerNeverRuns", check: loopCancelledTimerNeverRuns},
		{name: "CancelledByEarlierCallbackOfSameIteration", check: loopCancelledInSameIteration},
		{name: "PollSleepsUntilNextDeadline", check: loopPollSleepsUntilDeadline, realTime: true},
		{name: "NoSpinWhileWaitingForTimer", check: loopNoSpinWhileWaitingForTimer, realTime: true},
	}},
	{"4-Wakeup", []loopCheckCase{
		{name: "CallSoonThreadSafeWakesPoll", check: loopThreadSafeWakesPoll},
		{name: "StopEndsRun", check: loopStopEndsRun},
		{name: "RunEndsWhenNothingIsLeft", check: loopRunEndsWhenNothingLeft},
	}},
	{"5-Errors", []loopCheckCase{
		{name: "PanicReachesOnErrorAndLoopGoesOn", check: loopPanicReachesOnError},
		{name: "CallsAfterCloseFail", check: loopCallsAfterCloseFail},
	}},
}

// loopEnv is what every check of one TestLoop shares.
type loopEnv struct {
	newLoop func(Config) (Loop, error)
	backend string
	scale   float64
	dir     string
	explain Explainer // ExplainPanics, or nil
}

// A loopCheck is one check's world: a fresh loop on a counting poller and a
// fake clock, the errors the loop reported, and the failure messages. The
// check runs on a goroutine of its own (the loop's), so it records failures
// here and the test goroutine reports them.
type loopCheck struct {
	t      *testing.T // only for Name and cleanup; never Fatal from the check's goroutine
	l      Loop
	poller *countingPoller
	clock  *timers.Fake
	bound  time.Duration // the watchdog's bound, scaled

	mu       sync.Mutex
	reported []error  // guarded by mu: what the loop gave OnError
	failures []string // guarded by mu
	fds      []int    // guarded by mu: closed by cleanup
}

// run makes a fresh loop and runs check on it under the watchdog.
func (e *loopEnv) run(t *testing.T, cc loopCheckCase) {
	t.Helper()
	var clock *timers.Fake
	if !cc.realTime {
		clock = timers.NewFake(time.Unix(1_000_000, 0))
	}
	c, err := e.newCheck(t, clock)
	if err != nil {
		t.Fatal(err)
	}
	r := guard(c.bound, nil, func() (int, error) {
		cc.check(c)
		return 0, nil
	})
	if msg := r.describe("the check", c.bound, e.explain); msg != "" {
		c.failf("%s", msg)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range c.failures {
		t.Errorf("%s\n  %s", f, reproduce(t, e.dir))
	}
	if r.returned {
		c.closeAll()
	}
}

// newCheck builds the loop of one check on clock. A nil clock means real
// time (timers.Real).
func (e *loopEnv) newCheck(t *testing.T, clock *timers.Fake) (*loopCheck, error) {
	p, err := loop.NewPoller(e.backend)
	if err != nil {
		return nil, err
	}
	c := &loopCheck{t: t, poller: newCountingPoller(p), clock: clock, bound: scaled(5*time.Second, e.scale)}
	cfg := Config{Poller: c.poller, Clock: timers.Real{}, OnError: c.onError}
	if clock != nil {
		cfg.Clock = clock
	}
	c.l, err = e.newLoop(cfg)
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("newLoop: %v", err)
	}
	return c, nil
}

func (c *loopCheck) onError(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reported = append(c.reported, err)
}

// failf records a failure and lets the check go on.
func (c *loopCheck) failf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.failures = append(c.failures, fmt.Sprintf(format, args...))
}

// fatalf records a failure and ends the check: it runs on the check's own
// goroutine, so it ends that goroutine, as t.FatalNow would end a test's.
func (c *loopCheck) fatalf(format string, args ...any) {
	c.failf(format, args...)
	runtime.Goexit()
}

// closeAll closes the loop and every fd the check made.
func (c *loopCheck) closeAll() {
	c.l.Close()
	for _, fd := range c.fds {
		closeFD(fd)
	}
	c.fds = nil
}
