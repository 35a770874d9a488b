package trace

import (
	"time"

	"github.com/loopkit/loopkit/loop"
)

// Tee returns an observer that passes every step on to each of observers,
// in the order given: a loop takes one observer (loop.WithObserver), and
// Tee lets it have a Recorder and another, such as a test's driver or the
// step-by-step mode of loopkit trace. Nil observers are skipped.
func Tee(observers ...loop.Observer) loop.Observer {
	var t tee
	for _, o := range observers {
		if o != nil {
			t = append(t, o)
		}
	}
	return t
}

type tee []loop.Observer

func (t tee) IterationStarted(n uint64) {
	for _, o := range t {
		o.IterationStarted(n)
	}
}

func (t tee) PollStarted(timeout time.Duration) {
	for _, o := range t {
		o.PollStarted(timeout)
	}
}

func (t tee) PollReturned(ready []loop.Event) {
	for _, o := range t {
		o.PollReturned(ready)
	}
}

func (t tee) CallbackStarted(c loop.Callback) {
	for _, o := range t {
		o.CallbackStarted(c)
	}
}

func (t tee) CallbackReturned(c loop.Callback) {
	for _, o := range t {
		o.CallbackReturned(c)
	}
}
