package compute

import (
	"time"

	"github.com/loopkit/loopkit/tutorials/internal/work"
)

// The three ways to run w. Each calls done, on the loop goroutine, once w
// has finished: done writes the answer to the client, and only the loop
// goroutine may.

// allAtOnce runs w to the end, then calls done: in one callback, so the
// loop polls again only once w is finished. The mistake, kept for the
// demo to show.
func (s *Server) allAtOnce(w work.Work, done func()) {
	for !w.Step() {
	}
	done()
}

// sliceBudget is how long one slice of work may keep the loop: how late a
// timer or another client can be because of it.
const sliceBudget = time.Millisecond

// inSlices runs w a slice at a time, one slice per iteration of the loop:
// after each, it queues the next with CallSoon and returns, so the loop
// polls, serves the clients and fires the timers that are due, and runs
// the next slice in its next run phase.
func (s *Server) inSlices(w work.Work, done func()) {
	var slice func()
	slice = func() {
		end := time.Now().Add(sliceBudget)
		for time.Now().Before(end) {
			if w.Step() {
				done()
				return
			}
		}
		s.loop.CallSoon(slice) // we are on the loop goroutine: CallSoon is right
	}
	slice()
}

// onWorker runs w on a goroutine of its own, which Go's scheduler runs on
// another thread, another core if there is one; the loop goes on at once.
// The worker hands done back to the loop with CallSoonThreadSafe, the one
// loop method another goroutine may call: it queues done and wakes the
// loop from its poll.
func (s *Server) onWorker(w work.Work, done func()) {
	go func() {
		for !w.Step() {
		}
		// It fails only once the loop is closed: then nobody is left to
		// answer.
		s.loop.CallSoonThreadSafe(done)
	}()
}
