package coroutines

import (
	"context"
	"errors"
	"fmt"
)

// A Semaphore holds a count of permits: Acquire takes one, parking the
// coroutine while there are none, and Release gives one back. gevent's
// Semaphore. A permit released while coroutines wait goes straight to the
// first of them, so waiters are served in the order they began to wait and
// a newcomer cannot take a permit ahead of them.
//
// Its methods belong to the loop goroutine and the coroutines.
type Semaphore struct {
	free    int
	waiters waitQueue[struct{}]
}

// NewSemaphore returns a semaphore with n permits.
func NewSemaphore(n int) *Semaphore { return &Semaphore{free: n} }

// Free returns the number of permits not taken.
func (s *Semaphore) Free() int { return s.free }

// Acquire takes a permit, parking the coroutine of ctx until one is free.
// If ctx is done or the coroutine killed first, it returns the cause, and
// takes nothing.
func (s *Semaphore) Acquire(ctx context.Context) error {
	return s.acquire(ctx, "Semaphore.Acquire")
}

func (s *Semaphore) acquire(ctx context.Context, what string) error {
	co, err := current(ctx)
	if err != nil {
		return err
	}
	if err := co.cancelled(ctx); err != nil {
		return err
	}
	if s.TryAcquire() {
		return nil
	}
	w := s.waiters.push(co)
	for !w.served {
		if err := co.park(ctx, what, func() { s.waiters.remove(w) }); err != nil {
			return err
		}
	}
	return nil
}

// TryAcquire takes a permit if one is free, and reports whether it did.
func (s *Semaphore) TryAcquire() bool {
	if s.free <= 0 || s.waiters.first() != nil {
		return false
	}
	s.free--
	return true
}

// Release gives a permit back: to the first coroutine waiting in Acquire,
// if any, or to the count.
func (s *Semaphore) Release() {
	if w := s.waiters.first(); w != nil {
		s.waiters.serve(w)
		return
	}
	s.free++
}

// A BoundedSemaphore is a Semaphore that refuses to hold more permits than
// it started with: a Release without its Acquire is a bug, and this one
// says so. gevent's BoundedSemaphore.
type BoundedSemaphore struct {
	s     Semaphore
	bound int
}

// ErrReleased is what errors.Is finds in the error of a Release of a
// BoundedSemaphore whose permits are all free already.
var ErrReleased = errors.New("coroutines: released more times than acquired")

// NewBoundedSemaphore returns a bounded semaphore with n permits, all free.
func NewBoundedSemaphore(n int) *BoundedSemaphore {
	return &BoundedSemaphore{s: Semaphore{free: n}, bound: n}
}

// Free returns the number of permits not taken.
func (b *BoundedSemaphore) Free() int { return b.s.free }

// Acquire takes a permit, as Semaphore.Acquire.
func (b *BoundedSemaphore) Acquire(ctx context.Context) error {
	return b.s.acquire(ctx, "BoundedSemaphore.Acquire")
}

// TryAcquire takes a permit if one is free, as Semaphore.TryAcquire.
func (b *BoundedSemaphore) TryAcquire() bool { return b.s.TryAcquire() }

// Release gives a permit back, as Semaphore.Release, or returns an error
// wrapping ErrReleased if every permit is free already.
func (b *BoundedSemaphore) Release() error {
	if b.s.free >= b.bound {
		return fmt.Errorf("coroutines: BoundedSemaphore.Release with all %d permits free: %w", b.bound, ErrReleased)
	}
	b.s.Release()
	return nil
}
