//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package loop

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// selectPoller waits with select(2), the oldest of the four and the one
// every Unix has. The kernel takes two bitmaps of fds, one to watch for
// reading and one for writing, and overwrites them with the fds that are
// ready. So the poller keeps its interest in a map and builds the bitmaps
// afresh for every Wait; then it scans them from fd 0 to the highest fd.
// Each Wait costs time in proportion to the highest fd, ready or not.
//
// The bitmaps have a fixed size, FD_SETSIZE bits (1024 on Linux and macOS),
// so select cannot watch an fd at or above it. In C, setting that bit anyway
// writes past the end of the bitmap and silently corrupts memory (in Go,
// FdSet.Set panics), so Register refuses such an fd, and the poller tells
// the loop its limit through FDLimiter.
type selectPoller struct {
	// set by Register and Close
	interest map[int]Events // the fds watched, each with its events
	closed   bool

	// scratch of Wait, kept here so that Wait does not allocate
	readSet, writeSet unix.FdSet
	tv                unix.Timeval
}

func newSelect() (Poller, error) {
	return &selectPoller{interest: make(map[int]Events)}, nil
}

// MaxFD returns FD_SETSIZE: select cannot watch fds at or above it.
func (p *selectPoller) MaxFD() int { return unix.FD_SETSIZE }

// Register sets the events fd is watched for; 0 drops it. Only the map
// changes: the kernel hears of it at the next Wait.
func (p *selectPoller) Register(fd int, ev Events) error {
	if p.closed {
		return errClosed("select", "Register")
	}
	if err := checkRegister("select", fd, ev); err != nil {
		return err
	}
	if ev == 0 {
		delete(p.interest, fd)
		return nil
	}
	if fd >= unix.FD_SETSIZE {
		return fmt.Errorf("select: fd %d is at or above FD_SETSIZE (%d)", fd, unix.FD_SETSIZE)
	}
	p.interest[fd] = ev
	return nil
}

// Wait builds the sets, calls select, and reports the fds it marked.
func (p *selectPoller) Wait(timeout time.Duration, ready []Event) (int, error) {
	if p.closed {
		return 0, errClosed("select", "Wait")
	}
	if err := checkReady("select", ready); err != nil {
		return 0, err
	}
	nfd, n, err := p.selectRetrying(timeout)
	if errors.Is(err, unix.EBADF) {
		return p.reportClosedFDs(ready), nil
	}
	if err != nil || n == 0 {
		return 0, err
	}
	return p.collect(nfd, ready), nil
}

// Close forgets the interest. select has no fd of its own to release.
func (p *selectPoller) Close() error {
	if p.closed {
		return errClosed("select", "Close")
	}
	p.closed = true
	p.interest = nil
	return nil
}

// selectRetrying calls select until it returns for a reason other than a
// signal (see waitClock), and returns nfd, the number of fds it looked at,
// with its result. The sets are built again before each try: on EINTR
// POSIX leaves them unmodified, but building them costs little and relies on
// no kernel getting that right.
func (p *selectPoller) selectRetrying(timeout time.Duration) (nfd, n int, err error) {
	clock := startWait(timeout)
	for {
		nfd = p.fillSets()
		n, err = unix.Select(nfd, &p.readSet, &p.writeSet, nil, p.timeval(clock.timeout))
		if err != unix.EINTR {
			break
		}
		clock.interrupted()
	}
	if err != nil {
		return 0, 0, os.NewSyscallError("select", err)
	}
	return nfd, n, nil
}

// fillSets sets each watched fd's bits and returns nfd, one more than the
// highest fd: the kernel looks at fds 0 to nfd-1 only.
func (p *selectPoller) fillSets() (nfd int) {
	p.readSet.Zero()
	p.writeSet.Zero()
	for fd, ev := range p.interest {
		if ev&Readable != 0 {
			p.readSet.Set(fd)
		}
		if ev&Writable != 0 {
			p.writeSet.Set(fd)
		}
		nfd = max(nfd, fd+1)
	}
	return nfd
}

// timeval converts a timeout for select: a nil timeval blocks, a zero one
// polls, and NsecToTimeval rounds a positive one up to the microsecond, so
// that it never becomes a zero that would spin.
func (p *selectPoller) timeval(timeout time.Duration) *unix.Timeval {
	if timeout < 0 {
		return nil
	}
	p.tv = unix.NsecToTimeval(timeout.Nanoseconds())
	return &p.tv
}

// collect reports the fds select left in the sets, in increasing order, at
// most len(ready); the others stay ready for the next Wait.
//
// select has no separate flag for an error or a hang-up: it marks such an fd
// both readable (read returns EOF or the error) and writable (write returns
// EPIPE or the error), which wakes whoever waits on it.
func (p *selectPoller) collect(nfd int, ready []Event) int {
	n := 0
	for fd := 0; fd < nfd && n < len(ready); fd++ {
		var ev Events
		if p.readSet.IsSet(fd) {
			ev |= Readable
		}
		if p.writeSet.IsSet(fd) {
			ev |= Writable
		}
		if ev != 0 {
			ready[n] = Event{FD: fd, Events: ev}
			n++
		}
	}
	return n
}

// reportClosedFDs answers select's EBADF: a watched fd was closed before it
// was dropped. select does not say which, so each watched fd is asked with
// fcntl(F_GETFD), and the closed ones are reported with every event they are
// watched for, as poll reports POLLNVAL. Their waiters wake, get EBADF from
// their own system call, and drop them. Returning EBADF from Wait instead
// would stop the whole loop for one caller's mistake.
func (p *selectPoller) reportClosedFDs(ready []Event) int {
	n := 0
	for fd, ev := range p.interest {
		if n == len(ready) {
			break
		}
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == unix.EBADF {
			ready[n] = Event{FD: fd, Events: ev}
			n++
		}
	}
	return n
}
