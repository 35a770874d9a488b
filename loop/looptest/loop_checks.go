package looptest

import (
	"fmt"
	"strings"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/timers"
	"golang.org/x/sys/unix"
)

// expect fails the check when got differs from want.
func (c *loopCheck) expect(what string, want, got any) {
	if diff := cmp.Diff(want, got); diff != "" {
		c.failf("%s (-want +got):\n%s", what, diff)
	}
}

// Stage 1: the ready queue.

func loopCallSoonRunsInOrder(c *loopCheck) {
	var log ranLog
	for _, s := range []string{"a", "b", "c"} {
		c.l.CallSoon(log.add(s))
	}
	c.runOnce()
	c.expect("CallSoon(a), CallSoon(b), CallSoon(c), then RunOnce(): callbacks run", []string{"a", "b", "c"}, log.get())
}

func loopQueuedWhileRunningWaits(c *loopCheck) {
	var log ranLog
	c.l.CallSoon(func() {
		log.record("a")
		c.l.CallSoon(log.add("queued by a"))
	})
	c.runOnce()
	c.expect("after the first RunOnce (a callback queued by a callback must wait for the next iteration)",
		[]string{"a"}, log.get())
	c.runOnce()
	c.expect("after the second RunOnce", []string{"a", "queued by a"}, log.get())
}

func loopReadyCallbackMeansNoSleep(c *loopCheck) {
	c.nudge()
	c.runOnce()
	waits := c.poller.waits()
	if len(waits) != 1 || waits[0] != 0 {
		c.failf("with a callback ready, RunOnce must poll with timeout 0 (nothing to wait for): Wait timeouts = %v, want [0s]", waits)
	}
}

// Stage 2: readers and writers.

func loopReaderRunsWhenReadable(c *loopCheck) {
	r, w := c.pipe()
	runs := 0
	c.addReader(r, func() { runs++; drain(r) })
	c.write(w)
	c.runOnce()
	c.expect("reader runs after one byte was written and RunOnce()", 1, runs)
}

func loopReaderWaitsWhileNotReadable(c *loopCheck) {
	r, _ := c.pipe()
	runs := 0
	c.addReader(r, func() { runs++ })
	c.nudge()
	c.runOnce()
	c.expect("reader runs of an empty pipe after RunOnce()", 0, runs)
}

func loopLevelTriggered(c *loopCheck) {
	r, w := c.pipe()
	runs := 0
	c.addReader(r, func() { runs++ }) // never reads: the pipe stays readable
	c.write(w)
	c.runOnce()
	c.runOnce()
	c.expect("runs of a reader that does not drain its fd, after two RunOnce() (level-triggered: every iteration)", 2, runs)
}

func loopWriterRunsWhenWritable(c *loopCheck) {
	_, w := c.pipe()
	runs := 0
	c.addWriter(w, func() { runs++; c.l.RemoveWriter(w) })
	c.runOnce()
	c.expect("writer runs of an empty pipe's write end after RunOnce()", 1, runs)
}

func loopReaderAndWriterOfOneFD(c *loopCheck) {
	fds, err := newSocketpair()
	if err != nil {
		c.fatalf("making a socket pair: %v", err)
	}
	c.mu.Lock()
	c.fds = append(c.fds, fds[0], fds[1])
	c.mu.Unlock()
	c.write(fds[1])
	var log ranLog
	c.addReader(fds[0], func() { log.record("reader"); drain(fds[0]) })
	c.addWriter(fds[0], func() { log.record("writer"); c.l.RemoveWriter(fds[0]) })
	c.runOnce()
	c.expect("callbacks run for a socket both readable and writable", []string{"reader", "writer"}, log.get())
}

func loopRemovedReaderNeverRuns(c *loopCheck) {
	r, w := c.pipe()
	runs := 0
	c.addReader(r, func() { runs++ })
	c.write(w)
	if !c.l.RemoveReader(r) {
		c.failf("RemoveReader(%d) = false after AddReader, want true", r)
	}
	c.nudge()
	c.runOnce()
	c.expect("runs of a reader removed before RunOnce()", 0, runs)
	if c.l.RemoveReader(r) {
		c.failf("RemoveReader(%d) = true the second time, want false", r)
	}
}

// loopRemovedByEarlierCallback makes two fds readable, each reader removing
// the other's: whichever the loop runs first, the second was removed after
// the poll found it ready and must not run.
func loopRemovedByEarlierCallback(c *loopCheck) {
	r1, w1 := c.pipe()
	r2, w2 := c.pipe()
	var log ranLog
	c.addReader(r1, func() { log.record("reader 1"); drain(r1); c.l.RemoveReader(r2) })
	c.addReader(r2, func() { log.record("reader 2"); drain(r2); c.l.RemoveReader(r1) })
	c.write(w1)
	c.write(w2)
	c.runOnce()
	if ran := log.get(); len(ran) != 1 {
		c.failf("two readable fds whose readers each remove the other's: ran %q in one RunOnce, want exactly one "+
			"(a waiter removed by an earlier callback of the same iteration is stale)", ran)
	}
}

// loopReusedFDNotDispatched goes further: the first reader to run removes
// the other reader, closes that fd and at once opens a new pipe on the same
// fd number with a new reader. The event the poll found was for the old
// pipe: neither the old reader nor the new one may run for it.
func loopReusedFDNotDispatched(c *loopCheck) {
	r1, w1 := c.pipe()
	r2, w2 := c.pipe()
	var log ranLog
	var newW int
	reuse := func(self, other int, name string) func() {
		return func() {
			log.record(name)
			drain(self)
			c.l.RemoveReader(other)
			c.l.RemoveReader(self) // one reuse is enough
			newR, w := c.pipe()
			newW = w
			// Close the other fd and put the new pipe's read end on its number.
			if err := unix.Dup2(newR, other); err != nil {
				c.fatalf("dup2: %v", err)
			}
			c.addReader(other, func() { log.record("new reader"); drain(other); c.l.RemoveReader(other) })
		}
	}
	c.addReader(r1, reuse(r1, r2, "reader 1"))
	c.addReader(r2, reuse(r2, r1, "reader 2"))
	c.write(w1)
	c.write(w2)
	c.runOnce()
	if ran := log.get(); len(ran) != 1 {
		c.fatalf("two readable fds; the first reader to run closes the other fd and reuses its number for a new "+
			"empty pipe with a new reader: ran %q in that RunOnce, want exactly one of reader 1, reader 2 "+
			"(the poll's event for the old fd is stale)", ran)
	}
	c.write(newW)
	c.runOnce()
	if ran := log.get(); len(ran) != 2 || ran[1] != "new reader" {
		c.failf("after writing to the new pipe and RunOnce(): ran %q, want the new reader to have run "+
			"(is the reused fd number watched for the new pipe?)", ran)
	}
}

// Stage 3: timers, on the fake clock.

func loopTimerWaitsForDeadline(c *loopCheck) {
	var log ranLog
	c.l.CallLater(10*time.Millisecond, log.add("timer"))
	c.clock.Advance(9 * time.Millisecond)
	c.nudge()
	c.runOnce()
	c.expect("timer due at +10ms, clock at +9ms, after RunOnce()", []string(nil), nilIfEmpty(log.get()))
	c.clock.Advance(time.Millisecond)
	c.runOnce()
	c.expect("clock at +10ms, after RunOnce()", []string{"timer"}, log.get())
}

func loopDeadlineOrder(c *loopCheck) {
	var log ranLog
	for _, ms := range []int{30, 10, 20} {
		c.l.CallLater(time.Duration(ms)*time.Millisecond, log.add(fmt.Sprintf("%dms", ms)))
	}
	c.clock.Advance(30 * time.Millisecond)
	c.runOnce()
	c.expect("timers scheduled at +30ms, +10ms, +20ms, clock at +30ms: run order", []string{"10ms", "20ms", "30ms"}, log.get())
}

func loopEqualDeadlinesFIFO(c *loopCheck) {
	var log ranLog
	want := []string{"first", "second", "third", "fourth", "fifth"}
	for _, s := range want {
		c.l.CallLater(10*time.Millisecond, log.add(s))
	}
	c.clock.Advance(10 * time.Millisecond)
	c.runOnce()
	c.expect("five timers with the same deadline: run order (ties in scheduling order)", want, log.get())
}

func loopCancelledTimerNeverRuns(c *loopCheck) {
	var log ranLog
	t := c.l.CallLater(10*time.Millisecond, log.add("cancelled"))
	c.l.CallLater(10*time.Millisecond, log.add("kept"))
	if !t.Cancel() {
		c.failf("Cancel() of a pending timer = false, want true")
	}
	c.clock.Advance(10 * time.Millisecond)
	c.runOnce()
	c.expect("after Cancel of one of two due timers", []string{"kept"}, log.get())
}

func loopCancelledInSameIteration(c *loopCheck) {
	var log ranLog
	var second *timers.Timer
	c.l.CallLater(10*time.Millisecond, func() { log.record("first"); second.Cancel() })
	second = c.l.CallLater(10*time.Millisecond, log.add("second"))
	c.clock.Advance(10 * time.Millisecond)
	c.runOnce()
	c.expect("two due timers, the first cancels the second in the same iteration", []string{"first"}, log.get())
}

// loopPollSleepsUntilDeadline uses real time: the loop must ask its poller
// to sleep until the next deadline (not 0, not for ever).
func loopPollSleepsUntilDeadline(c *loopCheck) {
	ran := false
	c.l.CallLater(30*time.Millisecond, func() { ran = true })
	for i := 0; i < 100 && !ran; i++ {
		c.runOnce()
	}
	waits := c.poller.waits()
	if len(waits) == 0 || waits[0] <= 0 || waits[0] > 30*time.Millisecond {
		c.failf("with one timer due in 30ms and nothing else, the first Wait's timeout = %v, want in (0, 30ms]", first(waits))
	}
}

// loopNoSpinWhileWaitingForTimer counts the polls made while one timer is
// pending: a loop that polls with timeout 0 when nothing is ready burns a
// core and polls thousands of times.
func loopNoSpinWhileWaitingForTimer(c *loopCheck) {
	c.l.CallLater(50*time.Millisecond, func() {})
	if err := c.l.Run(); err != nil {
		c.fatalf("Run() = %v, want nil", err)
	}
	if n := len(c.poller.waits()); n > 10 {
		c.failf("Run with one timer due in 50ms polled %d times, want a few (the loop spins: is the poll timeout 0 while nothing is ready?)", n)
	}
}

// Stage 4: waking up and ending.

func loopThreadSafeWakesPoll(c *loopCheck) {
	r, _ := c.pipe()
	c.addReader(r, func() {}) // keeps Run running: nothing will ever be written
	go func() {
		<-c.poller.waiting // the loop is asleep in poll, with no timeout
		c.l.CallSoonThreadSafe(c.l.Stop)
	}()
	if err := c.l.Run(); err != nil {
		c.fatalf("Run() = %v, want nil", err)
	}
	c.l.RemoveReader(r)
}

func loopStopEndsRun(c *loopCheck) {
	r, _ := c.pipe()
	c.addReader(r, func() {})
	var log ranLog
	c.l.CallSoon(func() { log.record("stop"); c.l.Stop() })
	if err := c.l.Run(); err != nil {
		c.fatalf("Run() = %v, want nil", err)
	}
	c.expect("callbacks run before Run returned", []string{"stop"}, log.get())
	c.l.RemoveReader(r)
}

func loopRunEndsWhenNothingLeft(c *loopCheck) {
	var log ranLog
	c.l.CallSoon(func() {
		log.record("soon")
		c.l.CallLater(0, log.add("timer"))
	})
	if err := c.l.Run(); err != nil {
		c.fatalf("Run() = %v, want nil", err)
	}
	c.expect("with no waiters and no timers left, Run returns after running", []string{"soon", "timer"}, log.get())
}

// Stage 5: errors.

func loopPanicReachesOnError(c *loopCheck) {
	var log ranLog
	c.l.CallSoon(func() { panic("boom") })
	c.l.CallSoon(log.add("after"))
	c.runOnce()
	c.expect("callbacks run after one that panicked", []string{"after"}, log.get())
	c.mu.Lock()
	reported := c.reported
	c.mu.Unlock()
	if len(reported) != 1 || !containsText(reported[0], "boom") {
		c.failf("errors given to OnError after a callback panicked with \"boom\" = %v, want one error that mentions boom", reported)
	}
}

func loopCallsAfterCloseFail(c *loopCheck) {
	r, _ := c.pipe()
	if err := c.l.Close(); err != nil {
		c.fatalf("Close() = %v, want nil", err)
	}
	if err := c.l.AddReader(r, func() {}); err == nil {
		c.failf("AddReader after Close = nil, want an error")
	}
	if err := c.l.Run(); err == nil {
		c.failf("Run after Close = nil, want an error")
	}
	if err := c.l.CallSoonThreadSafe(func() {}); err == nil {
		c.failf("CallSoonThreadSafe after Close = nil, want an error")
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func first(d []time.Duration) any {
	if len(d) == 0 {
		return "no Wait at all"
	}
	return d[0]
}

func containsText(err error, s string) bool {
	return err != nil && strings.Contains(err.Error(), s)
}
