package coroutines

import (
	"context"
	"errors"
)

// An AsyncResult is one value or one error, set once, that any number of
// coroutines can wait for: gevent's AsyncResult, a future. The zero
// AsyncResult is unset and ready to use. Its methods belong to the loop
// goroutine and the coroutines: Set and SetError may be called from loop
// callbacks too.
type AsyncResult[T any] struct {
	ready   bool
	value   T
	err     error
	waiters waitQueue[struct{}]
}

// ErrAlreadySet is returned by a second Set or SetError of an AsyncResult.
var ErrAlreadySet = errors.New("coroutines: AsyncResult already set")

// Set sets the result to v and wakes every coroutine in Get, in the order
// they began to wait. It returns ErrAlreadySet, and changes nothing, if the
// result was set before.
func (r *AsyncResult[T]) Set(v T) error { return r.settle(v, nil) }

// SetError sets the result to the error err, as Set.
func (r *AsyncResult[T]) SetError(err error) error {
	var zero T
	return r.settle(zero, err)
}

func (r *AsyncResult[T]) settle(v T, err error) error {
	if r.ready {
		return ErrAlreadySet
	}
	r.ready, r.value, r.err = true, v, err
	for w := r.waiters.first(); w != nil; w = r.waiters.first() {
		r.waiters.serve(w)
	}
	return nil
}

// Ready reports whether the result is set.
func (r *AsyncResult[T]) Ready() bool { return r.ready }

// Result returns the value and error set, without waiting: the zero value
// and nil while the result is not ready.
func (r *AsyncResult[T]) Result() (T, error) { return r.value, r.err }

// Get parks the coroutine of ctx until the result is set, and returns it.
// If ctx is done or the coroutine killed first, it returns the zero value
// and the cause.
func (r *AsyncResult[T]) Get(ctx context.Context) (T, error) {
	var zero T
	co, err := current(ctx)
	if err != nil {
		return zero, err
	}
	if err := co.cancelled(ctx); err != nil {
		return zero, err
	}
	if !r.ready {
		w := r.waiters.push(co)
		for !w.served {
			if err := co.park(ctx, "AsyncResult.Get", func() { r.waiters.remove(w) }); err != nil {
				return zero, err
			}
		}
	}
	return r.value, r.err
}
