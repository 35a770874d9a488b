package compute

import (
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

// inSlices should run w a slice at a time, one slice per iteration of the
// loop.
func (s *Server) inSlices(w work.Work, done func()) {
	// TODO(step11): inSlices: this runs w all at once, as allAtOnce does:
	// no timer fires and no client is served until it ends. Do a slice of
	// steps (a millisecond's worth, say), then queue the next slice and
	// return, so that the loop polls in between.
	for !w.Step() {
	}
	done()
}

// onWorker runs w on a goroutine of its own; the loop goes on at once.
func (s *Server) onWorker(w work.Work, done func()) {
	go func() {
		for !w.Step() {
		}
		// TODO(step11): onWorker: CallSoon belongs to the loop goroutine,
		// and this is another one. The loop notices while it sleeps in
		// poll (a WrongGoroutineError); otherwise it is a data race, and
		// done may wait in the ready queue of a sleeping loop. Use the one
		// method other goroutines may call.
		s.loop.CallSoon(done)
	}()
}
