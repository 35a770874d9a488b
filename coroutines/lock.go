package coroutines

import "context"

// A Lock is a mutual exclusion lock for coroutines: Lock parks the
// coroutine while another holds it. gevent's Lock. Waiters get the lock in
// the order they began to wait: Unlock hands it straight to the first.
//
// Between two blocking calls a coroutine needs no lock at all, since no
// other coroutine runs meanwhile (see the package doc). A Lock is for a
// critical section that blocks: a write of several parts to one connection
// that other coroutines also write to, say.
//
// The zero Lock is unlocked. Like sync.Mutex it is not tied to a
// coroutine: any coroutine may unlock it. Its methods belong to the loop
// goroutine and the coroutines.
type Lock struct {
	locked  bool
	waiters waitQueue[struct{}]
}

// Lock takes the lock, parking the coroutine of ctx until it is free. If
// ctx is done or the coroutine killed first, it returns the cause and does
// not take the lock.
func (l *Lock) Lock(ctx context.Context) error {
	co, err := current(ctx)
	if err != nil {
		return err
	}
	if err := co.cancelled(ctx); err != nil {
		return err
	}
	if l.TryLock() {
		return nil
	}
	w := l.waiters.push(co)
	for !w.served {
		if err := co.park(ctx, "Lock.Lock", func() { l.waiters.remove(w) }); err != nil {
			return err
		}
	}
	return nil
}

// TryLock takes the lock if it is free, and reports whether it did.
func (l *Lock) TryLock() bool {
	if l.locked {
		return false
	}
	l.locked = true
	return true
}

// Locked reports whether the lock is held.
func (l *Lock) Locked() bool { return l.locked }

// Unlock releases the lock, handing it to the first coroutine waiting in
// Lock, if any. Unlocking a Lock that is not locked is a bug, and panics, as
// it does for a sync.Mutex; in a coroutine, the panic reaches the loop's
// error handler and ends the coroutine.
func (l *Lock) Unlock() {
	if !l.locked {
		panic("coroutines: Unlock of an unlocked Lock")
	}
	if w := l.waiters.first(); w != nil {
		l.waiters.serve(w) // the lock stays locked: it changes hands
		return
	}
	l.locked = false
}
