package steptest

import (
	"sync"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// An IdleWatch stands between a loop and its poller and tells a check when
// the loop is asleep in Wait with no timeout (-1): idle, with nothing to
// do until an fd becomes ready or another goroutine wakes it. It is the
// gate of the checks about waking a loop: "the loop is asleep; now the
// worker hands it a result; does the result arrive?". At that moment the
// loop goroutine is inside Wait, so a loop method called by any other
// goroutine is a WrongGoroutineError, every time.
//
// Give it to the loop with loop.WithPoller(steptest.WatchIdle(p)).
type IdleWatch struct {
	loop.Poller

	mu      sync.Mutex      // guards the fields below
	idle    bool            // the loop is inside Wait(-1)
	waiters []chan struct{} // closed when it next is
}

// WatchIdle wraps p.
func WatchIdle(p loop.Poller) *IdleWatch { return &IdleWatch{Poller: p} }

// Wait is the poller's Wait, with the loop marked idle while it blocks.
func (w *IdleWatch) Wait(timeout time.Duration, ready []loop.Event) (int, error) {
	if timeout >= 0 {
		return w.Poller.Wait(timeout, ready)
	}
	w.setIdle(true)
	defer w.setIdle(false)
	return w.Poller.Wait(timeout, ready)
}

func (w *IdleWatch) setIdle(idle bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.idle = idle
	if idle {
		for _, ch := range w.waiters {
			close(ch)
		}
		w.waiters = nil
	}
}

// Idle returns a channel that is closed once the loop is asleep in
// Wait(-1): at once if it is now, else when it next goes to sleep so.
// Any goroutine may call it.
func (w *IdleWatch) Idle() <-chan struct{} {
	ch := make(chan struct{})
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.idle {
		close(ch)
	} else {
		w.waiters = append(w.waiters, ch)
	}
	return ch
}

// MaxFD passes on the poller's limit, if it has one (loop.FDLimiter), so
// that the loop still refuses fds the poller cannot watch.
func (w *IdleWatch) MaxFD() int {
	if limiter, ok := w.Poller.(loop.FDLimiter); ok {
		return limiter.MaxFD()
	}
	return 0
}
