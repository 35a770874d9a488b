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
// The poller keeps the array between Waits, one entry per fd watched, and
// a map from fd to its entry, as libuv's poll backend does: Register patches
// one entry, Wait hands the array to the kernel as it is (poll reads only
// fd and events, and rewrites every revents). A dropped fd's entry is
// filled with the last one. The order of the array, and so the order in
// which the loop runs its waiters, depends only on the calls made: the
// same program gives the same order every time.
//
// Discussion: rebuilding the array from a map on every Wait would be
// simpler, but Go's map order is random by design, and the loop's
// callbacks would then run in a different order each iteration.
type pollPoller struct {
	// set by Register and Close
	fds    []unix.PollFd // the array handed to the kernel
	index  map[int]int   // fd -> its entry in fds
	closed bool
}

func newPoll() (Poller, error) {
	return &pollPoller{index: make(map[int]int)}, nil
}

// Register sets the events fd is watched for; 0 drops it. Only the array
// changes: the kernel hears of it at the next Wait.
func (p *pollPoller) Register(fd int, ev Events) error {
	if p.closed {
		return errClosed("poll", "Register")
	}
	if err := checkRegister("poll", fd, ev); err != nil {
		return err
	}
	i, watched := p.index[fd]
	switch {
	case ev == 0 && watched:
		p.drop(fd, i)
	case ev != 0 && watched:
		p.fds[i].Events = pollEvents(ev)
	case ev != 0:
		p.index[fd] = len(p.fds)
		p.fds = append(p.fds, unix.PollFd{Fd: int32(fd), Events: pollEvents(ev)})
	}
	return nil
}

// drop removes fd's entry i, moving the last entry into its place.
func (p *pollPoller) drop(fd, i int) {
	last := len(p.fds) - 1
	if i != last {
		p.fds[i] = p.fds[last]
		p.index[int(p.fds[i].Fd)] = i
	}
	p.fds = p.fds[:last]
	delete(p.index, fd)
}

// Wait calls poll with the array and reports the entries with revents.
func (p *pollPoller) Wait(timeout time.Duration, ready []Event) (int, error) {
	if p.closed {
		return 0, errClosed("poll", "Wait")
	}
	if err := checkReady("poll", ready); err != nil {
		return 0, err
	}
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
	p.index = nil
	p.fds = nil
	return nil
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

// watchedEvents converts poll's flags back to events: what an entry
// watches (its events), or what came true (its revents).
func watchedEvents(flags int16) Events {
	var ev Events
	if flags&unix.POLLIN != 0 {
		ev |= Readable
	}
	if flags&unix.POLLOUT != 0 {
		ev |= Writable
	}
	return ev
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
		ev := pollReady(watchedEvents(pfd.Events), pfd.Revents)
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
	return watchedEvents(revents) & watched
}
