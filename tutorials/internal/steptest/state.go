package steptest

import (
	"fmt"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// LoopState returns a function that describes a running kit loop, for
// Server.OnState: it asks the loop goroutine for loop.State through
// CallSoonThreadSafe. A loop that does not answer within half a second is
// stuck in Wait or in a callback, and the description says so: that is
// the news.
func LoopState(l *loop.Loop) func() string {
	return func() string {
		answer := make(chan loop.State, 1)
		if err := l.CallSoonThreadSafe(func() { answer <- l.State() }); err != nil {
			return fmt.Sprintf("the loop is closed (%v)", err)
		}
		select {
		case s := <-answer:
			return fmt.Sprintf("iteration %d, readers on fds %v, writers on fds %v, %d timers, %d callbacks ready",
				s.Iteration, s.Readers, s.Writers, len(s.Timers), s.Ready)
		case <-time.After(Scale(500 * time.Millisecond)):
			return "the loop did not answer within 500ms: it is blocked, in Wait or in a callback"
		}
	}
}
