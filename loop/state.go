package loop

import "time"

// A State is a snapshot of what the loop holds between two iterations: what
// `loopkit trace --step` shows after each RunOnce, and what a checker prints
// when a test hangs.
type State struct {
	Iteration uint64      // iterations run so far
	Readers   []int       // fds with a reader, in increasing order
	Writers   []int       // fds with a writer
	Timers    []time.Time // deadlines of the pending timers, in firing order
	Ready     int         // callbacks on the ready queue
	Now       time.Time   // the loop's clock
}

// State returns a snapshot of the loop. Loop goroutine only. It copies and
// sorts (O(n log n) in waiters and timers): for showing, not for the hot
// path.
func (l *Loop) State() State {
	s := State{Iteration: l.iteration, Ready: len(l.ready), Now: l.clock.Now()}
	s.Readers, s.Writers = l.waiters.FDs()
	for _, t := range l.timers.Pending() {
		s.Timers = append(s.Timers, t.When())
	}
	return s
}
