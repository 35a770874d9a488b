package loop

import (
	"time"

	"github.com/loopkit/loopkit/timers"
)

// An Option changes how New builds a loop.
type Option func(*config)

type config struct {
	backend  string
	poller   Poller
	clock    timers.Clock
	onError  func(error)
	observer Observer
	watchdog time.Duration
}

// WithBackend selects the poller by name: one of Backends(). It overrides
// the environment variable LOOPKIT_BACKEND.
func WithBackend(name string) Option {
	return func(c *config) { c.backend = name }
}

// WithPoller makes the loop wait in p, a poller of your own (such as the one
// you write in tutorial step 03). The loop closes p when it is closed.
func WithPoller(p Poller) Option {
	return func(c *config) { c.poller, c.backend = p, "" }
}

// WithClock makes the loop read time from c. With a timers.Fake, timers fire
// only when the test advances the clock.
func WithClock(c timers.Clock) Option {
	return func(cfg *config) { cfg.clock = c }
}

// WithErrorHandler sends the errors the loop cannot return (panics in
// callbacks, failures of front ends) to fn instead of standard error. fn
// must be safe for concurrent use: it is called on the loop goroutine, but
// also by the watchdog's goroutine (WithWatchdog), by a goroutine that
// called a loop method it should not have (WrongGoroutineError), and by any
// goroutine that calls ReportError.
func WithErrorHandler(fn func(error)) Option {
	return func(c *config) { c.onError = fn }
}

// WithObserver makes the loop tell o what it does, step by step.
func WithObserver(o Observer) Option {
	return func(c *config) { c.observer = o }
}
