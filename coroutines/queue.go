package coroutines

import (
	"context"
	"errors"
)

// A Queue is a FIFO queue of items of type T for coroutines: gevent's
// Queue. Get parks while it is empty; Put parks while it is full, if it has
// a size. Waiting getters are served in the order they began to wait, and
// so are waiting putters: an item put while getters wait goes straight to
// the first of them, and a getter that takes an item from a full queue
// moves the first waiting putter's item in.
//
// Its methods belong to the loop goroutine and the coroutines. TryPut and
// TryGet never block, so loop callbacks use them to hand items to
// coroutines.
type Queue[T any] struct {
	size    int // 0: unbounded
	items   []T
	getters waitQueue[T] // only while items is empty
	putters waitQueue[T] // only while items is full
	closed  bool
}

// ErrQueueClosed is returned by Put on a closed queue, and by Get on a
// closed queue that is empty.
var ErrQueueClosed = errors.New("coroutines: queue closed")

// NewQueue returns a queue that holds at most size items, or any number if
// size is 0 or less. The zero Queue is an unbounded queue.
func NewQueue[T any](size int) *Queue[T] {
	return &Queue[T]{size: max(size, 0)}
}

// Len returns the number of items in the queue.
func (q *Queue[T]) Len() int { return len(q.items) }

// Put adds v to the back of the queue, parking the coroutine of ctx while
// the queue is full. If ctx is done or the coroutine killed before v went
// in, it returns the cause and v is not put; on a closed queue it returns
// ErrQueueClosed.
func (q *Queue[T]) Put(ctx context.Context, v T) error {
	co, err := current(ctx)
	if err != nil {
		return err
	}
	if err := co.cancelled(ctx); err != nil {
		return err
	}
	if q.closed {
		return ErrQueueClosed
	}
	if q.TryPut(v) {
		return nil
	}
	w := q.putters.push(co)
	w.value = v
	for !w.served {
		if q.closed {
			q.putters.remove(w)
			return ErrQueueClosed
		}
		if err := co.park(ctx, "Queue.Put", func() { q.putters.remove(w) }); err != nil {
			return err
		}
	}
	return nil
}

// TryPut adds v if that needs no wait, and reports whether it did: false
// if the queue is full or closed.
func (q *Queue[T]) TryPut(v T) bool {
	if q.closed {
		return false
	}
	if g := q.getters.first(); g != nil {
		g.value = v
		q.getters.serve(g)
		return true
	}
	if q.size == 0 || len(q.items) < q.size {
		q.items = append(q.items, v)
		return true
	}
	return false
}

// Get removes and returns the item at the front of the queue, parking the
// coroutine of ctx while the queue is empty. If ctx is done or the
// coroutine killed first, it returns the cause. Once the queue is closed
// and empty, Get returns ErrQueueClosed.
func (q *Queue[T]) Get(ctx context.Context) (T, error) {
	var zero T
	co, err := current(ctx)
	if err != nil {
		return zero, err
	}
	if err := co.cancelled(ctx); err != nil {
		return zero, err
	}
	if v, ok := q.TryGet(); ok {
		return v, nil
	}
	w := q.getters.push(co)
	for !w.served {
		if q.closed {
			q.getters.remove(w)
			return zero, ErrQueueClosed
		}
		if err := co.park(ctx, "Queue.Get", func() { q.getters.remove(w) }); err != nil {
			return zero, err
		}
	}
	return w.value, nil
}

// TryGet removes and returns the front item if there is one.
func (q *Queue[T]) TryGet() (T, bool) {
	var zero T
	if len(q.items) == 0 {
		return zero, false
	}
	v := q.items[0]
	q.items[0] = zero // let the garbage collector have it
	q.items = q.items[1:]
	if p := q.putters.first(); p != nil {
		q.items = append(q.items, p.value)
		q.putters.serve(p)
	}
	return v, true
}

// Close closes the queue: Put fails from now on, and coroutines parked in
// Put are woken to fail with ErrQueueClosed; Get returns the items left,
// then ErrQueueClosed, and coroutines parked in Get (the queue is empty)
// are woken to fail with it.
func (q *Queue[T]) Close() {
	q.closed = true
	for w := q.getters.first(); w != nil; w = q.getters.first() {
		q.getters.remove(w)
		w.co.wake()
	}
	for w := q.putters.first(); w != nil; w = q.putters.first() {
		q.putters.remove(w)
		w.co.wake()
	}
}
