package coroutines

// A waitQueue is the list of coroutines parked on a queue, an event, a
// lock or a semaphore, in the order they parked, so that they are served
// first come, first served. It is a doubly linked list of waiters, so that
// a waiter whose wait was cut short (a timeout, a kill) leaves from the
// middle in O(1) and leaves nothing behind.
//
// T is what a waiter hands over or receives: a Queue's items; struct{} for
// the others. The zero waitQueue is empty and ready to use.
type waitQueue[T any] struct {
	head, tail *waiter[T]
}

// A waiter is one coroutine's place in a waitQueue.
type waiter[T any] struct {
	co     *Coroutine
	value  T    // a Queue's item: from a parked putter, or for a parked getter
	served bool // the waiter got what it waited for; set just before its wake
	prev   *waiter[T]
	next   *waiter[T]
	list   *waitQueue[T] // nil once off the list
}

// push adds co at the back of the queue and returns its place.
func (q *waitQueue[T]) push(co *Coroutine) *waiter[T] {
	w := &waiter[T]{co: co, prev: q.tail, list: q}
	if q.tail != nil {
		q.tail.next = w
	} else {
		q.head = w
	}
	q.tail = w
	return w
}

// remove takes w off the queue; it does nothing if w is already off.
func (q *waitQueue[T]) remove(w *waiter[T]) {
	if w.list != q {
		return
	}
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		q.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		q.tail = w.prev
	}
	w.prev, w.next, w.list = nil, nil, nil
}

// first returns the first waiter that can be woken, or nil. Waiters before
// it whose coroutine has a cancellation on its way are dropped: handed a
// value or a permit, they would return the cancellation and lose it.
func (q *waitQueue[T]) first() *waiter[T] {
	for w := q.head; w != nil; w = q.head {
		if w.co.wakeable() {
			return w
		}
		q.remove(w)
	}
	return nil
}

// serve takes w off the queue, marks it served and wakes its coroutine.
func (q *waitQueue[T]) serve(w *waiter[T]) {
	q.remove(w)
	w.served = true
	w.co.wake()
}
