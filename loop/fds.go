package loop

import (
	"cmp"
	"fmt"
	"runtime/debug"

	"github.com/loopkit/loopkit/waiters"
)

// AddReader makes fn the reader of fd: the loop calls it each iteration in
// which fd is readable (or has an error or hang-up) until RemoveReader. A
// reader fd already had is replaced, as asyncio's add_reader does. fn runs
// on the loop goroutine and must not block.
//
// The poller learns of the change at once, so an fd it cannot watch is an
// error here, naming the fd: select's FD_SETSIZE, epoll's EPERM for a regular
// file.
func (l *Loop) AddReader(fd int, fn func()) error {
	return l.addWaiter("AddReader", fd, fn, waiters.Readable, l.waiters.AddReader)
}

// AddWriter makes fn the writer of fd: the loop calls it each iteration in
// which fd is writable (or has an error or hang-up) until RemoveWriter.
// Otherwise as AddReader.
func (l *Loop) AddWriter(fd int, fn func()) error {
	return l.addWaiter("AddWriter", fd, fn, waiters.Writable, l.waiters.AddWriter)
}

// RemoveReader removes the reader of fd and reports whether there was one.
// A reader removed by a callback is not called even if its fd was found
// readable in the same iteration. Remove an fd's waiters before closing it.
func (l *Loop) RemoveReader(fd int) bool {
	return l.removeWaiter("RemoveReader", fd, l.waiters.RemoveReader)
}

// RemoveWriter removes the writer of fd and reports whether there was one.
// Otherwise as RemoveReader.
func (l *Loop) RemoveWriter(fd int) bool {
	return l.removeWaiter("RemoveWriter", fd, l.waiters.RemoveWriter)
}

// addWaiter is AddReader and AddWriter: check the call, tell the poller if
// fd's interest grows, and only once the poller agreed, add the waiter. A
// waiter that replaces another changes no interest and costs no system call.
func (l *Loop) addWaiter(method string, fd int, fn func(), dir waiters.Events, add func(int, func()) uint64) error {
	if err := l.checkAdd(method, fd, fn); err != nil {
		return err
	}
	before := l.waiters.Events(fd)
	if now := before | dir; now != before {
		if err := l.poller.Register(fd, now); err != nil {
			return fmt.Errorf("loop: %s(%d): %w", method, fd, err)
		}
	}
	add(fd, fn)
	return nil
}

func (l *Loop) removeWaiter(method string, fd int, remove func(int) bool) bool {
	if l.checkGoroutine(method) != nil {
		return false
	}
	if l.closed {
		return false
	}
	before := l.waiters.Events(fd)
	if !remove(fd) {
		return false
	}
	if err := l.syncInterest(fd, before); err != nil {
		// The waiter is gone either way. The kit's pollers take a drop
		// of an fd already closed as done, so this is a poller of your
		// own refusing: worth seeing.
		l.onError(fmt.Errorf("loop: %s(%d): %w", method, fd, err))
	}
	return true
}

// checkAdd refuses what AddReader and AddWriter cannot do.
func (l *Loop) checkAdd(method string, fd int, fn func()) error {
	if err := l.checkGoroutine(method); err != nil {
		return err
	}
	switch {
	case l.closed:
		return fmt.Errorf("loop: %s(%d): %w", method, fd, ErrClosed)
	case fd < 0:
		return fmt.Errorf("loop: %s(%d): negative fd", method, fd)
	case fn == nil:
		return fmt.Errorf("loop: %s(%d): nil callback", method, fd)
	case l.maxFD > 0 && fd >= l.maxFD:
		return fmt.Errorf("loop: %s(%d): %s cannot watch fds at or above %d (FD_SETSIZE); use another backend",
			method, fd, cmp.Or(l.backend, "the poller"), l.maxFD)
	case fd >= l.openLimit:
		return fmt.Errorf("loop: %s(%d): no such fd: the process may open fds below %d only (RLIMIT_NOFILE)",
			method, fd, l.openLimit)
	}
	return nil
}

// syncInterest tells the poller the events fd is waited for now, if they
// differ from before.
//
// Discussion: the poller is told at once, one call per change. libuv instead
// collects the changes and applies them just before it polls, which saves a
// system call when an fd's interest goes and comes back within an iteration,
// but then a change can reach the kernel after the fd was closed and its
// number reused: the removal fails, and the new fd is never watched. Told at
// once, the removal happens while the fd is still open (callers remove, then
// close), and any refusal is returned to the call that caused it.
func (l *Loop) syncInterest(fd int, before waiters.Events) error {
	now := l.waiters.Events(fd)
	if now == before {
		return nil
	}
	return l.poller.Register(fd, now)
}

// checkGoroutine reports a loop method called from another goroutine while
// the loop waits in poll, to the error handler and as the returned error.
func (l *Loop) checkGoroutine(method string) error {
	if !l.inPoll.Load() {
		return nil
	}
	err := &WrongGoroutineError{Method: method, Stack: debug.Stack()}
	l.onError(err)
	return err
}
