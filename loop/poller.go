package loop

import (
	"fmt"
	"strings"
	"time"

	"github.com/loopkit/loopkit/waiters"
)

// A Poller is the one place the loop waits: it keeps a set of fds with the
// events each is waited for, and Wait blocks until some of them are ready or
// the timeout passes. Every backend (select, poll, epoll, uring, kqueue) meets the
// same contract, which looptest.TestPoller checks:
//
//   - Register(fd, ev) sets the events fd is waited for, replacing what it
//     had; ev == 0 drops fd, and dropping an fd that is not registered does
//     nothing. A negative fd is an error, and so is an fd the poller cannot
//     watch: the error names the fd and the reason (select: fd >=
//     FD_SETSIZE). Drop an fd before closing it: epoll and kqueue forget a
//     closed fd by themselves, select and poll would report it (with every
//     event it is registered for) on every Wait.
//   - Wait(timeout, ready) fills ready with the fds that are ready, one
//     Event per fd, and returns how many. timeout < 0 blocks until an fd is
//     ready; 0 polls and returns at once; > 0 waits at most that long
//     (rounded up to the backend's resolution, never down to a busy 0). It
//     may return 0 events before the timeout, but not as a habit: a timeout
//     longer than the kernel takes (about 24 days) is cut short, and the loop
//     then simply goes round again.
//   - Readiness is level-triggered: an fd that stays ready is reported by
//     every Wait, until it is read, written or dropped.
//   - Only registered events are reported, except that an error or hang-up
//     on an fd reports every event it is registered for, so that both its
//     reader and its writer wake and see the error on their next syscall.
//   - Wait retries EINTR by itself (with the time left), so a signal never
//     surfaces as an error.
//   - At most len(ready) events are returned; the rest stay ready for the
//     next Wait.
//   - Close releases the poller's own fds; the registered fds are the
//     caller's and stay open. Every call after Close, Close included,
//     returns an error wrapping ErrClosed.
//
// A Poller is used by one goroutine at a time: the loop's.
type Poller interface {
	Register(fd int, ev Events) error
	Wait(timeout time.Duration, ready []Event) (int, error)
	Close() error
}

// Events is a set of readiness conditions: Readable, Writable, both or
// neither (0). It is the type package waiters keeps per fd, so the set of
// events a poller is told to wait for is the waiters' table itself.
type Events = waiters.Events

// The conditions a waiter can wait for.
const (
	Readable = waiters.Readable
	Writable = waiters.Writable
)

// An Event says that FD is ready for Events.
type Event struct {
	FD     int
	Events Events
}

// A FDLimiter is a Poller that cannot watch fds at or above some number:
// select cannot watch fds >= FD_SETSIZE. The loop asks for the limit so that
// AddReader and AddWriter can refuse such an fd with a clear error.
type FDLimiter interface {
	MaxFD() int
}

// NewPoller returns a new poller of the named backend. Backends lists the
// names this OS has; an unknown name is an error that lists them.
func NewPoller(name string) (Poller, error) {
	for _, b := range backends {
		switch {
		case b.name == name && b.refused != nil:
			return nil, fmt.Errorf("loop: backend %q cannot be used here: %w", name, b.refused)
		case b.name == name:
			return b.open()
		}
	}
	return nil, fmt.Errorf("loop: unknown backend %q (this OS has: %s)", name, strings.Join(Backends(), ", "))
}

// Backends returns the names of the pollers this OS has, best first.
func Backends() []string {
	var names []string
	for _, b := range backends {
		if b.refused == nil {
			names = append(names, b.name)
		}
	}
	return names
}

// A backend is a named poller constructor. The list, backends, is set per OS
// in backends_linux.go and backends_bsd.go, best first.
type backend struct {
	name    string
	open    func() (Poller, error)
	refused error // why this machine cannot use it (io_uring switched off), or nil
}
