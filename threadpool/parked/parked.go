// Package parked is the coroutines' way into a thread pool: each call runs
// blocking work on a threadpool.Pool and parks the calling coroutine until
// the result is back on the loop, as gevent's threadpool.apply parks a
// greenlet and asyncio's "await loop.run_in_executor(None, fn)" suspends a
// coroutine. The other coroutines and the loop go on meanwhile.
//
// It is a package of its own, beside threadpool rather than in it, because
// package coroutines uses threadpool (coroutines.DialHost looks names up on
// a pool), and these calls use coroutines: in one package the two would
// import each other.
//
// Apply is the whole mechanism, on the coroutines' AsyncResult: the pool's
// done, on the loop, sets the result; Get parks until then. ReadFile and
// WriteFile are Apply with the os function inside.
package parked

import (
	"context"
	"fmt"
	"os"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/threadpool"
)

// Apply runs fn on a worker of p and parks the coroutine of ctx until fn has
// returned, then returns what fn returned. A panic in fn is reported to the
// loop's error handler and returned as an error wrapping
// threadpool.ErrPanicked; a full queue as one wrapping threadpool.ErrFull.
//
// If ctx is done, or the coroutine killed, before the result is back, Apply
// returns the cause at once. Work still in the queue is cancelled and never
// runs; work already running cannot be stopped: it runs to its end on its
// worker, and its result is dropped. Called outside a coroutine, Apply
// returns coroutines.ErrOutsideCoroutine and runs nothing.
func Apply[T any](ctx context.Context, p *threadpool.Pool, fn func() (T, error)) (T, error) {
	var zero T
	if coroutines.Current(ctx) == nil {
		return zero, fmt.Errorf("parked: Apply: %w", coroutines.ErrOutsideCoroutine)
	}
	var result coroutines.AsyncResult[T]
	var value T
	var err error
	w, serr := p.Submit(func() { value, err = fn() }, func(perr error) {
		switch {
		case perr != nil:
			result.SetError(perr)
		case err != nil:
			result.SetError(err)
		default:
			result.Set(value)
		}
	})
	if serr != nil {
		return zero, serr
	}
	v, gerr := result.Get(ctx)
	if gerr != nil && !result.Ready() {
		w.Cancel()
	}
	return v, gerr
}

// ReadFile reads the whole file name on a worker of p, parking the
// coroutine of ctx until it is read, as os.ReadFile.
func ReadFile(ctx context.Context, p *threadpool.Pool, name string) ([]byte, error) {
	return Apply(ctx, p, func() ([]byte, error) { return os.ReadFile(name) })
}

// WriteFile writes data to the file name on a worker of p, parking the
// coroutine of ctx until it is written, as os.WriteFile. If ctx ends the
// wait while the write runs, the write still finishes: data must not
// change until then.
func WriteFile(ctx context.Context, p *threadpool.Pool, name string, data []byte, perm os.FileMode) error {
	_, err := Apply(ctx, p, func() (struct{}, error) { return struct{}{}, os.WriteFile(name, data, perm) })
	return err
}
