//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package loop

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// pollPoller waits with poll(2). Instead of select's fixed-size bitmaps the
// kernel takes an array of {fd, events}, so there is no FD_SETSIZE, and it
// answers in a separate field of each entry (revents), with distinct flags
// for an error, a hang-up and a closed fd. Like select, it hands the whole
// array to the kernel on every call, so each Wait costs time in proportion
// to the number of fds watched, ready or not.
//
// The poller keeps its interest in a map and rebuilds the array from it for
// every Wait, reusing the array's memory.
//
// Discussion: the kernel does not overwrite the events it is given, so the
// array could instead be kept between Waits and patched by Register, with a
// map from fd to index (libuv's poll backend does so). Rebuilding keeps
// Register a map assignment, and measured it costs little: with 1000 fds it
// is about a tenth of a Wait (BenchmarkPollIdle), the kernel's visit to every
// fd being the rest.
type pollPoller struct {
	// set by Register and Close
	interest map[int]Events // the fds watched, each with its events
	closed   bool

	// scratch of Wait: rebuilt each time, its array kept so that Wait
	// does not allocate
	fds []unix.PollFd
}

func newPoll() (Poller, error) {
	return &pollPoller{interest: make(map[int]Events)}, nil
}

// Register sets the events fd is watched for; 0 drops it. Only the map
// changes: the kernel hears of it at the next Wait.
func (p *pollPoller) Register(fd int, ev Events) error {
	if p.closed {
		return errClosed("poll", "Register")
	}
	if err := checkRegister("poll", fd, ev); err != nil {
		return err
	}
	if ev == 0 {
		delete(p.interest, fd)
		return nil
	}
	p.interest[fd] = ev
	return nil
}

// Wait builds the array, calls poll, and reports the entries with revents.
func (p *pollPoller) Wait(timeout time.Duration, ready []Event) (int, error) {
	if p.closed {
		return 0, errClosed("poll", "Wait")
	}
	if err := checkReady("poll", ready); err != nil {
		return 0, err
	}
	p.fillFds()
	n, err := p.pollRetrying(timeout)
	if err != nil || n == 0 {
		return 0, err
	}
	return p.collect(ready), nil
}

// Close forgets the interest. poll has no fd of its own to release.
func (p *pollPoller) Close() error {
	if p.closed {
		return errClosed("poll", "Close")
	}
	p.closed = true
	p.interest = nil
	p.fds = nil
	return nil
}

// fillFds rebuilds the array from the interest map.
func (p *pollPoller) fillFds() {
	p.fds = p.fds[:0]
	for fd, ev := range p.interest {
		p.fds = append(p.fds, unix.PollFd{Fd: int32(fd), Events: pollEvents(ev)})
	}
}

// pollEvents converts events to poll's flags. POLLERR, POLLHUP and POLLNVAL
// need not be asked for: poll always reports them.
func pollEvents(ev Events) int16 {
	var flags int16
	if ev&Readable != 0 {
		flags |= unix.POLLIN
	}
	if ev&Writable != 0 {
		flags |= unix.POLLOUT
	}
	return flags
}

// pollRetrying calls poll until it returns for a reason other than a signal
// (see waitClock). The array can be passed again as it is: poll reads only
// fd and events, and rewrites every revents.
func (p *pollPoller) pollRetrying(timeout time.Duration) (int, error) {
	clock := startWait(timeout)
	for {
		n, err := unix.Poll(p.fds, millisUp(clock.timeout))
		if err != unix.EINTR {
			if err != nil {
				return 0, os.NewSyscallError("poll", err)
			}
			return n, nil
		}
		clock.interrupted()
	}
}

// collect reports the entries poll marked, at most len(ready); the others
// stay ready for the next Wait.
func (p *pollPoller) collect(ready []Event) int {
	n := 0
	for _, pfd := range p.fds {
		if n == len(ready) {
			break
		}
		if pfd.Revents == 0 {
			continue
		}
		ev := pollReady(p.interest[int(pfd.Fd)], pfd.Revents)
		if ev != 0 {
			ready[n] = Event{FD: int(pfd.Fd), Events: ev}
			n++
		}
	}
	return n
}

// pollReady converts poll's answer for an fd watched for the events
// watched. An error, a hang-up or a closed fd (POLLNVAL: closed before it
// was dropped) reports every event watched: the reader then sees EOF or the
// error on its read, and the writer EPIPE or the error on its write.
// Reporting POLLHUP as readable only would leave a writer waiting for ever
// for room that will never come.
func pollReady(watched Events, revents int16) Events {
	if revents&(unix.POLLERR|unix.POLLHUP|unix.POLLNVAL) != 0 {
		return watched
	}
	var ev Events
	if revents&unix.POLLIN != 0 {
		ev |= Readable
	}
	if revents&unix.POLLOUT != 0 {
		ev |= Writable
	}
	return ev & watched
}
