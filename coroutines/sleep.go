package coroutines

import (
	"context"
	"time"
)

// Sleep parks the coroutine for d on the loop's clock: a loop timer wakes
// it. Sleep(ctx, 0) (or a negative d) is a plain yield: the coroutine goes
// to the back of the ready queue, and every callback and coroutine ready
// now runs before it goes on. It returns nil, or the cause if ctx is done
// or the coroutine killed before the time is up.
func Sleep(ctx context.Context, d time.Duration) error {
	co, err := current(ctx)
	if err != nil {
		return err
	}
	if d <= 0 {
		return co.yieldNow(ctx)
	}
	timer := co.hub.loop.CallLater(d, co.wakeFunc)
	return co.park(ctx, "Sleep", func() { timer.Cancel() })
}
