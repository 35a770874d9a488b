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
	items   []T // the queue is items[head:], see push and TryGet
	head    int
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
func (q *Queue[T]) Len() int { return len(q.items) - q.head }

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
	if q.size == 0 || q.Len() < q.size {
		q.push(v)
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
	if q.Len() == 0 {
		return zero, false
	}
	v := q.items[q.head]
	q.items[q.head] = zero // let the garbage collector have it
	q.head++
	if q.head == len(q.items) { // empty: the next item goes to the front
		q.items, q.head = q.items[:0], 0
	}
	if p := q.putters.first(); p != nil {
		q.push(p.value)
		q.putters.serve(p)
	}
	return v, true
}

// push adds v at the back. The array is reused, never let go: TryGet takes
// from the front by moving head, and goes back to the start whenever the
// queue empties, which a writer that takes everything queued does every
// time. A queue that never empties slides down once the items taken fill
// half of it. (Slicing items[1:] on each TryGet instead would leave the
// array's front unused for good and make append allocate a new array each
// time the back was reached: one allocation per fill of a chat writer's
// queue, BenchmarkQueueFillDrain.)
func (q *Queue[T]) push(v T) {
	if len(q.items) == cap(q.items) && q.head > 0 && q.head >= len(q.items)/2 {
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
	q.items = append(q.items, v)
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
