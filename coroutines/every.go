package coroutines

import (
	"context"
	"fmt"
	"time"

	"github.com/loopkit/loopkit/timers"
)

// Every calls fn every period on the loop's clock, in the coroutine of ctx,
// which parks (Sleep) between two calls: loop.CallEvery for a coroutine,
// with the same grid. The calls are due at start + k·period, start being
// the time of the call to Every; a call that comes a period or more late
// stands for the beats that came due meanwhile, which are skipped, and fn
// is told how many (beats, 1 when on time). loop.Periodic says why the kit
// keeps the grid rather than re-arm from the time of each call.
//
// Every returns when fn returns an error (that error), or when ctx is done
// or the coroutine killed while it sleeps (the cause). Until then the
// parked coroutine and its timer keep the loop running. A period that is
// not positive is an error that names it.
func Every(ctx context.Context, period time.Duration, fn func(beats int) error) error {
	co, err := current(ctx)
	if err != nil {
		return err
	}
	if period <= 0 {
		return fmt.Errorf("coroutines: Every(%v): the period must be positive", period)
	}
	l := co.hub.loop
	due := l.Now().Add(period)
	for {
		// A due time already past (fn took longer than a period) makes
		// Sleep a yield: the beat runs at once, counting what it missed.
		if err := Sleep(ctx, due.Sub(l.Now())); err != nil {
			return err
		}
		next, beats := timers.NextBeat(due, period, l.Now())
		due = next
		if err := fn(beats); err != nil {
			return err
		}
	}
}
