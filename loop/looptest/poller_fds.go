package looptest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/loop"
)

// Stages 5-Removal, 6-Reuse, 7-Many and 8-Limits: the set of fds a poller
// watches, as it changes, grows and meets its limits.

func checkDroppedFdNotReported(h *pollerHarness) {
	r, w := h.pipe()
	h.register(r, readable)
	h.write(w)
	h.expectWait(h.s.patience, []loop.Event{{FD: r, Events: readable}}, "one byte was written to the pipe")
	h.drop(r)
	h.expectWait(0, noEvents, "the pipe is still readable, but it was dropped with Register(fd, 0)")
}

func checkDropOneOfSeveral(h *pollerHarness) {
	var want []loop.Event
	var dropped int
	for i := range 3 {
		r, w := h.pipe()
		h.register(r, readable)
		h.write(w)
		if i == 1 {
			dropped = r
			continue
		}
		want = append(want, loop.Event{FD: r, Events: readable})
	}
	h.drop(dropped)
	h.expectWait(h.s.patience, want, fmt.Sprintf("three pipes are readable; the middle one, fd %d, was dropped", dropped))
}

func checkReRegisterChangesEvents(h *pollerHarness) {
	a, b := h.socketpair("")
	h.register(a, both)
	h.expectWait(h.s.patience, []loop.Event{{FD: a, Events: writable}}, "the socket has room to write and nothing to read")
	h.register(a, readable)
	h.expectWait(0, noEvents, "the socket was re-registered for Readable only, and has nothing to read")
	h.write(b)
	h.expectWait(h.s.patience, []loop.Event{{FD: a, Events: readable}}, "the peer wrote a byte")
	h.register(a, writable)
	h.expectWait(h.s.patience, []loop.Event{{FD: a, Events: writable}}, "the socket was re-registered for Writable only")
	h.register(a, both)
	h.expectWait(h.s.patience, []loop.Event{{FD: a, Events: both}}, "the socket was re-registered for both")
}

func checkClosedAndReusedFdNumber(h *pollerHarness) {
	old, oldWriter := h.pipe()
	h.register(old, readable)
	h.write(oldWriter)
	h.expectWait(h.s.patience, []loop.Event{{FD: old, Events: readable}}, "one byte was written to the pipe")
	h.drop(old)
	h.closeFD(old)

	// Give the number to the read end of a new, empty pipe. The kernel
	// hands out the lowest free number, so it is usually old already.
	fd, w := h.pipe()
	if fd != old {
		if err := unix.Dup2(fd, old); err != nil {
			h.t.Fatalf("dup2(%d, %d): %v", fd, old, err)
		}
		h.closeFD(fd)
	}
	h.made(old, "new pipe read end, reusing the number")

	h.register(old, readable)
	h.expectWait(0, noEvents, fmt.Sprintf("fd %d was dropped and closed, and its number now names a new, empty pipe", old))
	h.write(w)
	h.expectWait(h.s.patience, []loop.Event{{FD: old, Events: readable}}, "a byte was written to the new pipe")
}

func checkExactlyTheReadyOnesReported(h *pollerHarness) {
	const pairs = 200
	readyAt := map[int]bool{0: true, 37: true, 99: true, 150: true, pairs - 1: true}
	var want []loop.Event
	for i := range pairs {
		a, b := h.socketpair(strconv.Itoa(i))
		h.register(a, readable)
		if readyAt[i] {
			h.write(b)
			want = append(want, loop.Event{FD: a, Events: readable})
		}
	}
	h.expectWait(h.s.patience, want, fmt.Sprintf("%d sockets are registered; %d of them have a byte to read", pairs, len(want)))
}

func checkMoreReadyThanRoom(h *pollerHarness) {
	const pairs, ready, room = 50, 10, 4
	pending := map[int]bool{}
	for i := range pairs {
		a, b := h.socketpair(strconv.Itoa(i))
		h.register(a, readable)
		if i%(pairs/ready) == 0 {
			h.write(b)
			pending[a] = true
		}
	}
	// Each Wait reports at most room fds; drained, they make way for the
	// rest, which must come in the following Waits.
	for waits := 1; len(pending) > 0; waits++ {
		if waits > ready {
			h.fatalf("after %d Waits with room for %d, fds %v were never reported", waits-1, room, sortedFds(pending))
		}
		got := h.wait(h.s.patience, room, fmt.Sprintf(", although fds %v are readable.", sortedFds(pending)))
		if len(got) == 0 {
			h.fatalf("Wait(%v) with room for %d = no events, want some of the readable fds %v", h.s.patience, room, sortedFds(pending))
		}
		for _, ev := range got {
			if !pending[ev.FD] {
				h.fatalf("Wait with room for %d reported %s, which was drained and has nothing to read", room, h.fd(ev.FD))
			}
			delete(pending, ev.FD)
			h.drain(ev.FD)
		}
	}
	h.expectWait(0, noEvents, "every readable socket was reported and drained")
}

func sortedFds(set map[int]bool) []int { return slices.Sorted(maps.Keys(set)) }

func checkNegativeFdRefused(h *pollerHarness) {
	if err := h.tryRegister(-1, readable); err == nil {
		h.fatalf("Register(-1, Readable) = nil, want an error: -1 is not an fd")
	}
}

// maxFD returns the poller's FDLimiter limit, or skips the check.
func (h *pollerHarness) maxFD() int {
	h.t.Helper()
	limiter, ok := h.p.(loop.FDLimiter)
	if !ok {
		h.t.Skip("the poller does not implement loop.FDLimiter: it has no fd limit to check")
	}
	return limiter.MaxFD()
}

func checkAtMaxFDRefused(h *pollerHarness) {
	max := h.maxFD()
	r, w := h.pipe()
	high, err := h.dupAtLeast(r, max)
	if err != nil {
		h.t.Skipf("cannot make an fd at or above MaxFD() = %d: %v (raise the limit with ulimit -n)", max, err)
	}
	err = h.tryRegister(high, readable)
	if err == nil {
		h.fatalf("Register(%d, Readable) = nil, want an error: MaxFD() = %d", high, max)
	}
	if !strings.Contains(err.Error(), strconv.Itoa(high)) {
		h.fatalf("Register(%d, Readable) = %q, want an error that names fd %d", high, err, high)
	}
	// The refusal must leave the poller working.
	h.register(r, readable)
	h.write(w)
	h.expectWait(h.s.patience, []loop.Event{{FD: r, Events: readable}}, fmt.Sprintf("fd %d was refused; the pipe got a byte", high))
}

// checkDropAtMaxFDDoesNothing: dropping an fd that was never registered does
// nothing, and that includes an fd the poller could never have watched. A
// Register that checks the limit before it looks at ev refuses the drop.
func checkDropAtMaxFDDoesNothing(h *pollerHarness) {
	max := h.maxFD()
	r, _ := h.pipe()
	high, err := h.dupAtLeast(r, max)
	if err != nil {
		h.t.Skipf("cannot make an fd at or above MaxFD() = %d: %v (raise the limit with ulimit -n)", max, err)
	}
	if err := h.tryRegister(high, 0); err != nil {
		h.fatalf("Register(%d, 0) = %v, want nil: dropping an fd that is not registered does nothing, "+
			"whatever its number (check ev == 0 before the FD_SETSIZE limit)", high, err)
	}
}

func checkBelowMaxFDWatched(h *pollerHarness) {
	max := h.maxFD()
	r, w := h.pipe()
	top, err := h.dupAtLeast(r, max-1)
	if err != nil || top != max-1 {
		h.t.Skipf("cannot make fd %d = MaxFD()-1 (got %d, %v)", max-1, top, err)
	}
	h.register(top, readable)
	h.write(w)
	h.expectWait(h.s.patience, []loop.Event{{FD: top, Events: readable}},
		fmt.Sprintf("fd %d, the highest below MaxFD(), reads a pipe that got a byte", top))
}
