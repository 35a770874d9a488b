//go:build linux

package loop

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// epollPoller waits with epoll(7), Linux's answer to the cost of select and
// poll. The interest list lives in the kernel, behind an fd of its own:
// Register changes it at once with one epoll_ctl call, and epoll_wait
// returns only the fds that are ready. A Wait costs time in proportion to
// the number of ready fds, not to the number watched.
//
// Level-triggered, epoll's default: an fd that stays ready is reported by
// every epoll_wait. (EPOLLET, edge-triggered, reports it once per change;
// production loops such as Go's runtime use it to save epoll_ctl calls, at
// the price of reading until EAGAIN every time.)
type epollPoller struct {
	// set by newEpoll
	epfd int // the epoll instance

	// set by Register and Close
	registered map[int]Events // what the kernel's interest list holds
	closed     bool

	// scratch of Wait, kept so that Wait does not allocate
	events []unix.EpollEvent
}

func newEpoll() (Poller, error) {
	// EPOLL_CLOEXEC, so that a program started with os/exec does not
	// inherit the loop's epoll fd.
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("epoll_create1", err)
	}
	return &epollPoller{epfd: epfd, registered: make(map[int]Events)}, nil
}

// Register sets the events fd is watched for, with one epoll_ctl call: ADD
// for a new fd, MOD for a change, DEL for 0. The map of what was registered
// chooses between them.
func (p *epollPoller) Register(fd int, ev Events) error {
	if p.closed {
		return errClosed("epoll", "Register")
	}
	if err := checkRegister("epoll", fd, ev); err != nil {
		return err
	}
	old := p.registered[fd]
	var err error
	switch {
	case ev == old:
		return nil
	case ev == 0:
		err = p.remove(fd)
	case old == 0:
		err = p.ctl(unix.EPOLL_CTL_ADD, fd, ev)
	default:
		err = p.modify(fd, ev)
	}
	if err != nil {
		return err
	}
	if ev == 0 {
		delete(p.registered, fd)
	} else {
		p.registered[fd] = ev
	}
	return nil
}

// Wait calls epoll_wait with room for len(ready) fds and converts what it
// returns.
func (p *epollPoller) Wait(timeout time.Duration, ready []Event) (int, error) {
	if p.closed {
		return 0, errClosed("epoll", "Wait")
	}
	if err := checkReady("epoll", ready); err != nil {
		return 0, err
	}
	events := p.buffer(len(ready))
	n, err := p.waitRetrying(events, timeout)
	if err != nil {
		return 0, err
	}
	return p.collect(events[:n], ready), nil
}

// Close closes the epoll fd. The kernel then forgets the interest list; the
// fds that were on it are the caller's and stay open.
func (p *epollPoller) Close() error {
	if p.closed {
		return errClosed("epoll", "Close")
	}
	p.closed = true
	p.registered = nil
	if err := unix.Close(p.epfd); err != nil {
		return os.NewSyscallError("close", err)
	}
	return nil
}

// remove drops fd from the interest list. Drop before close: epoll watches
// the open file, not the number, and forgets it only when its last fd is
// closed, so a file still open through a dup'ed fd would go on being
// reported under the closed number. If the fd is already closed (EBADF) or
// the kernel forgot it (ENOENT), it is not watched any more, which is what
// the caller asked for.
func (p *epollPoller) remove(fd int) error {
	err := p.ctl(unix.EPOLL_CTL_DEL, fd, 0)
	if errors.Is(err, unix.EBADF) || errors.Is(err, unix.ENOENT) {
		return nil
	}
	return err
}

// ctl makes one change to the kernel's interest list. The 64 bits of
// epoll_data, which epoll_wait hands back untouched with a ready fd, carry
// the fd (Fd) and the events it is registered for (Pad): collect then
// needs no lookup per event. (Go's runtime keeps a pointer to its own
// per-fd record there, for the same reason.)
func (p *epollPoller) ctl(op, fd int, ev Events) error {
	e := unix.EpollEvent{Events: epollEvents(ev), Fd: int32(fd), Pad: int32(ev)}
	if err := unix.EpollCtl(p.epfd, op, fd, &e); err != nil {
		return os.NewSyscallError("epoll_ctl", err)
	}
	return nil
}

// modify changes the events of a registered fd. If the kernel says it has
// no such fd (ENOENT), the fd was closed without being dropped: the kernel
// forgot it at close, and the number now names a new file. Adding it is
// what the caller means.
func (p *epollPoller) modify(fd int, ev Events) error {
	err := p.ctl(unix.EPOLL_CTL_MOD, fd, ev)
	if errors.Is(err, unix.ENOENT) {
		return p.ctl(unix.EPOLL_CTL_ADD, fd, ev)
	}
	return err
}

// epollEvents converts events to epoll's flags. EPOLLERR and EPOLLHUP need
// not be asked for: epoll always reports them.
func epollEvents(ev Events) uint32 {
	var flags uint32
	if ev&Readable != 0 {
		flags |= unix.EPOLLIN
	}
	if ev&Writable != 0 {
		flags |= unix.EPOLLOUT
	}
	return flags
}

// buffer returns room for n epoll events, reusing the last buffer: Wait runs
// once per loop iteration and must not allocate.
func (p *epollPoller) buffer(n int) []unix.EpollEvent {
	if cap(p.events) < n {
		p.events = make([]unix.EpollEvent, n)
	}
	return p.events[:n]
}

// waitRetrying calls epoll_wait until it returns for a reason other than a
// signal (see waitClock).
func (p *epollPoller) waitRetrying(events []unix.EpollEvent, timeout time.Duration) (int, error) {
	clock := startWait(timeout)
	for {
		n, err := unix.EpollWait(p.epfd, events, millisUp(clock.timeout))
		if err != unix.EINTR {
			if err != nil {
				return 0, os.NewSyscallError("epoll_wait", err)
			}
			return n, nil
		}
		clock.interrupted()
	}
}

// collect converts the events epoll_wait returned, one per fd.
func (p *epollPoller) collect(events []unix.EpollEvent, ready []Event) int {
	n := 0
	for _, e := range events {
		fd := int(e.Fd)
		if ev := epollReady(Events(e.Pad), e.Events); ev != 0 {
			ready[n] = Event{FD: fd, Events: ev}
			n++
		}
	}
	return n
}

// epollReady converts epoll's answer for an fd registered for the events
// registered. An error or a hang-up reports every event registered, so that
// both the reader and the writer wake and meet the error on their next
// system call: the write end of a full pipe whose reader is gone gets
// EPOLLERR but not EPOLLOUT, and its writer would otherwise wait for ever.
func epollReady(registered Events, flags uint32) Events {
	if flags&(unix.EPOLLERR|unix.EPOLLHUP) != 0 {
		return registered
	}
	var ev Events
	if flags&unix.EPOLLIN != 0 {
		ev |= Readable
	}
	if flags&unix.EPOLLOUT != 0 {
		ev |= Writable
	}
	return ev & registered
}
