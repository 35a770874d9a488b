package coroutines

import (
	"context"
	"fmt"
)

// Join parks the calling coroutine (ctx's) until co has finished, and
// returns co's error. If ctx is done or the caller killed first, it returns
// that cause instead, and co goes on. A coroutine may not join itself.
//
// The two errors can look alike (ErrKilled: was it co or the caller that
// was killed?); co.Done() and ctx.Err() tell them apart.
func (co *Coroutine) Join(ctx context.Context) error {
	me, err := current(ctx)
	if err != nil {
		return err
	}
	if co == me {
		return fmt.Errorf("coroutines: %s joins itself, which would never return", co.name)
	}
	co.watched = true
	if err := me.cancelled(ctx); err != nil {
		return err
	}
	if co.state == done {
		return co.err
	}
	w := co.joiners.push(me)
	for !w.served {
		if err := me.park(ctx, "Join "+co.name, func() { co.joiners.remove(w) }); err != nil {
			return err
		}
	}
	return co.err
}

// JoinAll waits until every coroutine given has finished, and returns the
// first error among theirs, in the order given; or, if ctx is done first,
// its cause. gevent's joinall.
func JoinAll(ctx context.Context, cos ...*Coroutine) error {
	me, err := current(ctx)
	if err != nil {
		return err
	}
	if err := me.cancelled(ctx); err != nil {
		return err
	}
	for _, co := range cos {
		co.watched = true // before the first Join parks: any may fail meanwhile
	}
	for _, co := range cos {
		if err := co.Join(ctx); err != nil && !co.Done() {
			return err
		}
	}
	for _, co := range cos {
		if co.err != nil {
			return co.err
		}
	}
	return nil
}
