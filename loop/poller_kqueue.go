//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package loop

import (
	"errors"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// kqueuePoller waits with kqueue(2), the BSDs' and macOS's answer to the
// cost of select and poll. As with epoll, the interest list lives in the
// kernel behind an fd of its own, and kevent returns only what is ready.
// Unlike epoll, kqueue watches (fd, filter) pairs: reading is the filter
// EVFILT_READ and writing EVFILT_WRITE, each added and deleted on its own
// and each reported on its own.
//
// Level-triggered, kqueue's default: a filter that stays ready is reported
// by every kevent. (EV_CLEAR makes it edge-triggered.)
type kqueuePoller struct {
	// set by newKqueue
	kq int // the kqueue

	// set by Register and Close
	registered map[int]Events // which filters the kernel holds for each fd
	closed     bool

	// scratch of Register and Wait, kept so that they do not allocate
	change [1]unix.Kevent_t
	events []unix.Kevent_t
	ts     unix.Timespec
	slot   []int32 // slot[fd]: 1 + the index of fd's Event in this Wait's ready, or 0
}

func newKqueue() (Poller, error) {
	// kqueue(2) takes no close-on-exec flag on every BSD, so it is set
	// right after, with syscall.ForkLock held as package os does: a
	// program started meanwhile with os/exec must not inherit the fd.
	syscall.ForkLock.RLock()
	kq, err := unix.Kqueue()
	if err == nil {
		unix.CloseOnExec(kq)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, os.NewSyscallError("kqueue", err)
	}
	return &kqueuePoller{kq: kq, registered: make(map[int]Events)}, nil
}

// kqueueFilters pairs each event with the filter that watches it.
var kqueueFilters = [...]struct {
	ev     Events
	filter int
}{
	{Readable, unix.EVFILT_READ},
	{Writable, unix.EVFILT_WRITE},
}

// Register sets the events fd is watched for: for each filter whose state
// changes, one EV_ADD or EV_DELETE. Each change is its own kevent call: with
// no room for events, kevent stops at the first change that fails, so a
// failed delete would keep the add after it from being applied.
func (p *kqueuePoller) Register(fd int, ev Events) error {
	if p.closed {
		return errClosed("kqueue", "Register")
	}
	if err := checkRegister("kqueue", fd, ev); err != nil {
		return err
	}
	now := p.registered[fd]
	for _, f := range kqueueFilters {
		had, want := now&f.ev != 0, ev&f.ev != 0
		if had == want {
			continue
		}
		if err := p.apply(fd, f.filter, want); err != nil {
			p.record(fd, now)
			return err
		}
		now ^= f.ev
	}
	p.record(fd, now)
	return nil
}

// Wait calls kevent with room for len(ready) filters and merges what it
// returns into one Event per fd.
func (p *kqueuePoller) Wait(timeout time.Duration, ready []Event) (int, error) {
	if p.closed {
		return 0, errClosed("kqueue", "Wait")
	}
	if err := checkReady("kqueue", ready); err != nil {
		return 0, err
	}
	events := p.buffer(len(ready))
	n, err := p.keventRetrying(events, timeout)
	if err != nil {
		return 0, err
	}
	return p.collect(events[:n], ready), nil
}

// Close closes the kqueue. The kernel then forgets its filters; the fds
// they watched are the caller's and stay open.
func (p *kqueuePoller) Close() error {
	if p.closed {
		return errClosed("kqueue", "Close")
	}
	p.closed = true
	p.registered = nil
	if err := unix.Close(p.kq); err != nil {
		return os.NewSyscallError("close", err)
	}
	return nil
}

// apply adds or deletes one filter of fd. A delete that fails because the fd
// is already closed (EBADF) or the kernel forgot the filter when it was
// closed (ENOENT) leaves the filter gone, which is what the caller asked for.
func (p *kqueuePoller) apply(fd, filter int, add bool) error {
	flags := unix.EV_DELETE
	if add {
		flags = unix.EV_ADD
	}
	unix.SetKevent(&p.change[0], fd, filter, flags)
	// With an empty event list kevent applies the change and returns at
	// once, whatever the timeout.
	_, err := unix.Kevent(p.kq, p.change[:], nil, nil)
	if !add && (errors.Is(err, unix.EBADF) || errors.Is(err, unix.ENOENT)) {
		return nil
	}
	if err != nil {
		return os.NewSyscallError("kevent", err)
	}
	return nil
}

// record notes the filters the kernel now holds for fd.
func (p *kqueuePoller) record(fd int, ev Events) {
	if ev == 0 {
		delete(p.registered, fd)
	} else {
		p.registered[fd] = ev
	}
}

// buffer returns room for n kevents, reusing the last buffer: Wait runs
// once per loop iteration and must not allocate.
func (p *kqueuePoller) buffer(n int) []unix.Kevent_t {
	if cap(p.events) < n {
		p.events = make([]unix.Kevent_t, n)
	}
	return p.events[:n]
}

// keventRetrying calls kevent until it returns for a reason other than a
// signal (see waitClock). The change list is empty, so a retry cannot apply
// a change twice.
func (p *kqueuePoller) keventRetrying(events []unix.Kevent_t, timeout time.Duration) (int, error) {
	clock := startWait(timeout)
	for {
		n, err := unix.Kevent(p.kq, nil, events, p.timespec(clock.timeout))
		if err != unix.EINTR {
			if err != nil {
				return 0, os.NewSyscallError("kevent", err)
			}
			return n, nil
		}
		clock.interrupted()
	}
}

// timespec converts a timeout for kevent: nil blocks, zero polls, and
// anything positive is kept to the nanosecond.
func (p *kqueuePoller) timespec(timeout time.Duration) *unix.Timespec {
	if timeout < 0 {
		return nil
	}
	p.ts = unix.NsecToTimespec(timeout.Nanoseconds())
	return &p.ts
}

// collect converts the kevents into Events, merging the two filters of an
// fd watched for both into one Event, as the contract asks. The search for
// an earlier Event of the same fd runs only for such fds (a writer is
// usually registered only while a write waits for room), and looks at most
// len(ready) entries back.
func (p *kqueuePoller) collect(events []unix.Kevent_t, ready []Event) int {
	n := 0
	for i := range events {
		fd := int(events[i].Ident)
		ev := kqueueReady(p.registered[fd], &events[i])
		if ev == 0 {
			continue
		}
		if j := p.earlier(fd); j >= 0 {
			ready[j].Events |= ev
			continue
		}
		p.note(fd, n)
		ready[n] = Event{FD: fd, Events: ev}
		n++
	}
	for _, e := range ready[:n] {
		p.slot[e.FD] = 0 // clean for the next Wait
	}
	return n
}

// earlier returns the index of fd's Event in this Wait's ready, or -1 if it
// has none yet. kqueue reports the read and the write filter of one fd as
// two kevents; the loop wants one Event per fd. The slots make finding the
// first one a lookup, not a search of ready.
func (p *kqueuePoller) earlier(fd int) int {
	if fd >= len(p.slot) {
		return -1
	}
	return int(p.slot[fd]) - 1
}

// note records that fd's Event is ready[i].
func (p *kqueuePoller) note(fd, i int) {
	if fd >= len(p.slot) {
		p.slot = append(p.slot, make([]int32, fd+1-len(p.slot))...)
	}
	p.slot[fd] = int32(i + 1)
}

// kqueueReady converts one kevent of an fd registered for the events
// registered.
//
// EV_ERROR (a filter the kernel could not watch) reports every event
// registered, so that both the reader and the writer wake and meet the error
// on their next system call.
//
// Discussion: EV_EOF wakes only its own filter's waiter. A hang-up of both
// directions (the peer closed its socket) sets EV_EOF on both filters, so
// both the reader and the writer wake; a pipe has one direction per fd. But
// EV_EOF on EVFILT_READ alone means only that the peer will send no more
// (shutdown(SHUT_WR)): the peer may still read, and a writer waiting for
// room must keep waiting. Woken by every kevent instead, it would find no
// room, wait again and be woken again, spinning the loop.
func kqueueReady(registered Events, k *unix.Kevent_t) Events {
	if k.Flags&unix.EV_ERROR != 0 {
		return registered
	}
	var ev Events
	switch k.Filter {
	case unix.EVFILT_READ:
		ev = Readable
	case unix.EVFILT_WRITE:
		ev = Writable
	}
	return ev & registered
}
