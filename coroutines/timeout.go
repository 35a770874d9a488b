package coroutines

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/loopkit/loopkit/timers"
)

// ErrTimeout is what errors.Is finds in the error of a call cut short by a
// WithTimeout context: in a *TimeoutError.
var ErrTimeout = errors.New("coroutines: timeout")

// A TimeoutError is the cause of a WithTimeout context whose time ran out,
// and so the error of the blocking call it cut short. Each WithTimeout has
// its own: with nested timeouts, errors.Is(err, context.Cause(tctx)) tells
// whether it was tctx's, and Duration tells them apart in a message.
type TimeoutError struct {
	Duration time.Duration // as given to WithTimeout
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("coroutines: timeout after %v", e.Duration)
}

// Is makes errors.Is(err, ErrTimeout) true.
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// Timeout reports true, as net.Error's Timeout does.
func (e *TimeoutError) Timeout() bool { return true }

// A timeout is a live WithTimeout context of a coroutine: its Done channel,
// which tells watch that the kit cancels it, and the loop timer that will.
type timeout struct {
	done  <-chan struct{}
	timer *timers.Timer
}

// WithTimeout returns a copy of ctx, a coroutine's context, that is
// cancelled once d has passed on the loop's clock, with a *TimeoutError as
// its cause. The deadline is a loop timer, not a runtime timer: it is one of
// the things the loop's poll waits for, it fires in order with the loop's
// other timers, and a fake clock moves it. When it fires, the timer's
// callback cancels the context and resumes the coroutine if it is parked,
// from the loop goroutine, so that what happens next is the same on every
// run.
//
// Timeouts nest: an inner one that fires first fails the call with its
// error, and the outer one still applies after. Call cancel as soon as the
// work is done (defer cancel()): it stops the timer, which otherwise keeps
// the loop alive until it fires. The coroutine's timers are stopped when it
// finishes anyway.
//
// The context has no Deadline: the deadline is on the loop's clock, which
// may be a fake one, and code that compares a Deadline with time.Now would
// be misled.
//
// Called with a context that is not the running coroutine's, WithTimeout
// returns a context already cancelled with the error.
func WithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	co, err := current(ctx)
	tctx, cancelCause := context.WithCancelCause(ctx)
	if err != nil {
		cancelCause(err)
		return tctx, func() {}
	}
	t := &timeout{done: tctx.Done()}
	cause := &TimeoutError{Duration: d}
	t.timer = co.hub.loop.CallLater(d, func() {
		co.forget(t)
		cancelCause(cause)
		co.interrupt()
	})
	if t.timer == nil { // the loop is closed, and reported it
		cancelCause(cause)
		return tctx, func() {}
	}
	co.timeouts = append(co.timeouts, t)
	return tctx, func() {
		t.timer.Cancel()
		co.forget(t)
		cancelCause(context.Canceled)
	}
}

// forget removes t from the coroutine's live timeouts.
func (co *Coroutine) forget(t *timeout) {
	for i, x := range co.timeouts {
		if x == t {
			co.timeouts = append(co.timeouts[:i], co.timeouts[i+1:]...)
			return
		}
	}
}

// Timeout calls fn with a copy of ctx that times out after d, as gevent's
// `with Timeout(d):` block, and returns fn's error: a *TimeoutError if the
// timeout cut fn's blocking call short and fn returned that error.
//
//	err := coroutines.Timeout(ctx, 5*time.Second, func(ctx context.Context) error {
//		n, err = conn.Read(ctx, buf)
//		return err
//	})
func Timeout(ctx context.Context, d time.Duration, fn func(ctx context.Context) error) error {
	tctx, cancel := WithTimeout(ctx, d)
	defer cancel()
	return fn(tctx)
}
