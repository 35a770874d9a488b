package coroutines

import (
	"context"
	"iter"
)

// A Pool is a Group that holds at most size coroutines at a time: Spawn
// parks while the pool is full, until a member finishes. gevent's Pool. It
// bounds concurrency: a crawler that fetches a thousand pages through a
// Pool of ten has at most ten connections open.
//
// Its methods belong to the loop goroutine and the coroutines.
type Pool struct {
	slots Semaphore
	group Group
}

// NewPool returns a pool for at most size coroutines at a time.
func NewPool(size int) *Pool { return &Pool{slots: Semaphore{free: size}} }

// Spawn spawns fn in the pool, as Spawn(ctx, fn), parking the coroutine of
// ctx while the pool is full. Coroutines parked in Spawn get their turn in
// the order they began to wait. If ctx is done or the caller killed first,
// Spawn spawns nothing and returns the cause.
func (p *Pool) Spawn(ctx context.Context, fn func(ctx context.Context) error) (*Coroutine, error) {
	return p.spawn(ctx, fn, nil)
}

// spawn is Spawn with a finish hook of the caller's, called as the
// coroutine finishes, however it does (even killed before it started).
func (p *Pool) spawn(ctx context.Context, fn func(ctx context.Context) error, finished func(*Coroutine)) (*Coroutine, error) {
	if err := p.slots.acquire(ctx, "Pool.Spawn"); err != nil {
		return nil, err
	}
	co := Spawn(ctx, fn)
	release := func() {
		p.slots.Release()
		if finished != nil {
			finished(co)
		}
	}
	if co.state == done {
		release()
		return co, co.err
	}
	co.onFinish = append(co.onFinish, release)
	p.group.Add(co)
	return co, nil
}

// Free returns how many more coroutines the pool would take without a wait.
func (p *Pool) Free() int { return p.slots.Free() }

// Len returns the number of coroutines in the pool.
func (p *Pool) Len() int { return p.group.Len() }

// Join parks the coroutine of ctx until the pool is empty, as Group.Join.
func (p *Pool) Join(ctx context.Context) error { return p.group.Join(ctx) }

// Kill kills every coroutine in the pool, as Group.Kill.
func (p *Pool) Kill() { p.group.Kill() }

// Map calls fn on every input, each call in a coroutine of the pool (so at
// most the pool's size at a time), and returns the outputs in the order of
// the inputs: gevent's Pool.map. It waits for every call; if some failed, it
// returns the outputs and the error of the first input (in input order)
// that failed. If ctx is done or the caller killed first, Map kills the
// calls it started and returns the cause.
func Map[In, Out any](ctx context.Context, p *Pool, inputs []In, fn func(ctx context.Context, in In) (Out, error)) ([]Out, error) {
	outs := make([]Out, len(inputs))
	errs := make([]error, len(inputs))
	var started Group
	for i, in := range inputs {
		co, err := p.Spawn(ctx, func(ctx context.Context) error {
			outs[i], errs[i] = fn(ctx, in)
			return errs[i]
		})
		if co == nil {
			started.Kill()
			return nil, err
		}
		errs[i] = err // a coroutine that could not start (a closed hub)
		started.Add(co)
	}
	if err := started.Join(ctx); err != nil && started.Len() > 0 {
		started.Kill()
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return outs, err
		}
	}
	return outs, nil
}

// MapUnordered calls fn on every input, each call in a coroutine of the
// pool, and yields each output (and its error) as soon as its call
// finishes: gevent's Pool.imap_unordered, as a Go iterator.
//
//	for page, err := range coroutines.MapUnordered(ctx, pool, urls, fetch) {
//		...
//	}
//
// The loop body runs in the calling coroutine. Breaking out of the loop
// kills the calls not yet finished. If ctx is done or the caller killed, the
// last pair yielded has the zero output and the cause, and the calls not
// finished are killed. A call killed from outside yields ErrKilled.
func MapUnordered[In, Out any](ctx context.Context, p *Pool, inputs []In, fn func(ctx context.Context, in In) (Out, error)) iter.Seq2[Out, error] {
	return func(yield func(Out, error) bool) {
		type result struct {
			out Out
			err error
		}
		var zero Out
		finished := NewQueue[result](0)
		var started Group
		defer started.Kill()
		pending := 0
		// Spawn a call for each input, yielding the outputs that are
		// ready before each spawn, then yield the rest as they come.
		for _, in := range inputs {
			for r, ok := finished.TryGet(); ok; r, ok = finished.TryGet() {
				pending--
				if !yield(r.out, r.err) {
					return
				}
			}
			var out Out
			co, err := p.spawn(ctx, func(ctx context.Context) error {
				var err error
				out, err = fn(ctx, in)
				return err
			}, func(co *Coroutine) { finished.TryPut(result{out, co.err}) })
			if co == nil {
				yield(zero, err)
				return
			}
			started.Add(co)
			pending++
		}
		for ; pending > 0; pending-- {
			r, err := finished.Get(ctx)
			if err != nil {
				yield(zero, err)
				return
			}
			if !yield(r.out, r.err) {
				return
			}
		}
	}
}
