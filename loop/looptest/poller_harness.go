package looptest

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/loop"
)

// A pollerSuite is what every check of one TestPoller call shares.
type pollerSuite struct {
	newPoller func() (loop.Poller, error)
	dir       string        // the package under test, for the reproduce line
	scale     float64       // LOOPKIT_TIME_SCALE
	bound     time.Duration // the watchdog's bound on a call, beyond its own timeout
	patience  time.Duration // the timeout of a Wait that must find an fd ready
	explain   Explainer     // ExplainPanics, or nil
}

// A pollerHarness is one check's view of a fresh poller. It makes the fds
// the check needs and names them, calls the poller under the watchdog,
// checks every Wait against what was registered, words failures, and cleans
// up.
type pollerHarness struct {
	t *testing.T
	s *pollerSuite
	p loop.Poller

	interest map[int]loop.Events // what the check registered and did not drop
	names    map[int]string      // "pipe read end", for messages
	open     map[int]bool        // fds the check made and did not close
	closed   bool                // the check closed p
	stuck    bool                // a call never returned: leave p and the fds alone
	peers    sync.WaitGroup      // goroutines started by after
}

// newHarness makes the poller and arranges the cleanup: wait for the
// check's goroutines, then close the poller, then the fds.
func newHarness(t *testing.T, s *pollerSuite) *pollerHarness {
	h := &pollerHarness{t: t, s: s, interest: map[int]loop.Events{}, names: map[int]string{}, open: map[int]bool{}}
	t.Cleanup(h.cleanup)
	var p loop.Poller
	r := h.call("newPoller()", s.bound, "", nil, func() (n int, err error) {
		p, err = s.newPoller()
		return 0, err
	})
	if r.err != nil || p == nil {
		h.fatalf("newPoller() = %v, %v; want a poller, nil", p, r.err)
	}
	h.p = p
	return h
}

func (h *pollerHarness) cleanup() {
	h.peers.Wait()
	if h.stuck {
		return
	}
	if h.p != nil && !h.closed {
		r := guard(h.s.bound, nil, closer(h.p))
		switch {
		case !r.returned:
			h.t.Errorf("cleaning up: Close did not return within %v", h.s.bound)
			return
		case r.explained("Close()", h.s.explain) != "":
			// Stage 9 reports an unimplemented Close; here it is no news.
		case r.panicked || r.err != nil:
			h.t.Errorf("cleaning up: %s", cmp.Or(r.describe("Close()", h.s.bound, nil), fmt.Sprintf("Close() = %v, want nil", r.err)))
		}
	}
	for fd := range h.open {
		unix.Close(fd)
	}
}

// call runs one poller method under the watchdog and stops the check if it
// did not return normally: hung, unimplemented or panicked. name and
// hangReason are for the message (see hung); prepare is guard's.
func (h *pollerHarness) call(name string, bound time.Duration, hangReason string, prepare func(), fn func() (int, error)) callResult {
	h.t.Helper()
	r := guard(bound, prepare, fn)
	if !r.returned {
		h.stuck = true
		h.fatalf("%s", hung(name, bound, hangReason))
	}
	if msg := r.describe(name, bound, h.s.explain); msg != "" {
		h.fatalf("%s", msg)
	}
	return r
}

// fatalf stops the check with the message, what is registered, and the
// command that runs this check alone.
func (h *pollerHarness) fatalf(format string, args ...any) {
	h.t.Helper()
	h.t.Fatalf(format+"\n  registered: %s\n  %s", append(args, h.registered(), reproduce(h.t, h.s.dir))...)
}

// registered lists the interest: "fd 7 (pipe read end) Readable, ...".
func (h *pollerHarness) registered() string {
	if len(h.interest) == 0 {
		return "nothing"
	}
	var parts []string
	for _, fd := range slices.Sorted(maps.Keys(h.interest)) {
		parts = append(parts, fmt.Sprintf("%s %v", h.fd(fd), h.interest[fd]))
	}
	return strings.Join(parts, ", ")
}

// fd names fd for a message: "fd 7 (pipe read end)".
func (h *pollerHarness) fd(fd int) string {
	if name, ok := h.names[fd]; ok {
		return fmt.Sprintf("fd %d (%s)", fd, name)
	}
	return fmt.Sprintf("fd %d", fd)
}

// register calls Register(fd, ev) and requires it to succeed.
func (h *pollerHarness) register(fd int, ev loop.Events) {
	h.t.Helper()
	if err := h.tryRegister(fd, ev); err != nil {
		h.fatalf("Register(%d, %v) for %s = %v, want nil", fd, ev, h.fd(fd), err)
	}
}

// tryRegister calls Register(fd, ev) and returns its error.
func (h *pollerHarness) tryRegister(fd int, ev loop.Events) error {
	h.t.Helper()
	r := h.call(fmt.Sprintf("Register(%d, %v)", fd, ev), h.s.bound, "", nil, func() (int, error) {
		return 0, h.p.Register(fd, ev)
	})
	if r.err == nil {
		if ev == 0 {
			delete(h.interest, fd)
		} else {
			h.interest[fd] = ev
		}
	}
	return r.err
}

// drop calls Register(fd, 0) and requires it to succeed.
func (h *pollerHarness) drop(fd int) {
	h.t.Helper()
	h.register(fd, 0)
}

// expectWait calls Wait(timeout) and requires it to report exactly want;
// why says what the check did, for the message ("nothing was written to
// it").
func (h *pollerHarness) expectWait(timeout time.Duration, want []loop.Event, why string) {
	h.t.Helper()
	reason := ""
	if len(want) > 0 {
		reason = ", although " + why + "."
	}
	got := h.wait(timeout, 64, reason)
	h.compare(fmt.Sprintf("Wait(%s)", timeoutString(timeout)), got, want, why)
}

// compare requires got to equal want, both sorted by fd.
func (h *pollerHarness) compare(call string, got, want []loop.Event, why string) {
	h.t.Helper()
	want = sortEvents(want)
	if diff := gocmp.Diff(want, got); diff != "" {
		h.fatalf("%s = %s, want %s: %s\n  diff (-want +got):\n%s", call, eventsString(got), eventsString(want), why,
			strings.TrimRight(diff, "\n"))
	}
}

// wait calls Wait(timeout) with room for room events, checks what came back
// against what is registered, and returns it sorted by fd. hangReason says
// what should end the Wait, for the message if it hangs; if "", the timeout
// should.
func (h *pollerHarness) wait(timeout time.Duration, room int, hangReason string) []loop.Event {
	h.t.Helper()
	call := fmt.Sprintf("Wait(%s)", timeoutString(timeout))
	switch {
	case hangReason != "":
	case timeout == 0:
		hangReason = ": a timeout of 0 polls and returns at once."
	case timeout > 0:
		hangReason = fmt.Sprintf(": a timeout of %v ends the wait.", timeout)
	}
	ready := make([]loop.Event, room)
	r := h.call(call, h.waitBound(timeout), hangReason, nil, func() (int, error) {
		return h.p.Wait(timeout, ready)
	})
	return h.checkWait(call, r, ready)
}

// waitBound is the watchdog's bound for Wait(timeout): the timeout itself,
// if it is one a check waits out, plus the usual bound.
func (h *pollerHarness) waitBound(timeout time.Duration) time.Duration {
	if timeout > 0 && timeout <= time.Minute {
		return timeout + h.s.bound
	}
	return h.s.bound
}

// checkWait checks one Wait's answer: no error, a count that fits ready,
// and events only for registered fds, only for events they are registered
// for, one per fd.
func (h *pollerHarness) checkWait(call string, r callResult, ready []loop.Event) []loop.Event {
	h.t.Helper()
	if r.err != nil {
		h.fatalf("%s = error %v, want nil", call, r.err)
	}
	if r.n < 0 || r.n > len(ready) {
		h.fatalf("%s returned n = %d with room for %d events, want 0 <= n <= %d", call, r.n, len(ready), len(ready))
	}
	got := sortEvents(ready[:r.n])
	seen := map[int]bool{}
	for _, ev := range got {
		registered := h.interest[ev.FD]
		switch {
		case registered == 0:
			h.fatalf("%s reported %s, which is not registered (never, or dropped): %s", call, h.fd(ev.FD), eventsString(got))
		case ev.Events == 0:
			h.fatalf("%s reported %s with no events: %s", call, h.fd(ev.FD), eventsString(got))
		case ev.Events&^registered != 0:
			h.fatalf("%s reported %s as %v, but it is registered for %v only", call, h.fd(ev.FD), ev.Events, registered)
		case seen[ev.FD]:
			h.fatalf("%s reported %s more than once, want one Event per fd: %s", call, h.fd(ev.FD), eventsString(got))
		}
		seen[ev.FD] = true
	}
	return got
}

// after runs fn on a goroutine after delay: a peer that acts while the
// check is inside Wait. It sleeps, which is the point: it must act from
// outside the poller under test. Cleanup waits for it before closing fds.
func (h *pollerHarness) after(delay time.Duration, fn func()) {
	h.peers.Add(1)
	go func() {
		defer h.peers.Done()
		time.Sleep(delay)
		fn()
	}()
}

// close calls Close and returns its error.
func (h *pollerHarness) close() error {
	h.t.Helper()
	r := h.call("Close()", h.s.bound, "", nil, closer(h.p))
	h.closed = true
	return r.err
}

// closer returns p's Close in the shape guard calls.
func closer(p loop.Poller) func() (int, error) {
	return func() (int, error) { return 0, p.Close() }
}

// timeoutString prints a timeout the way the contract speaks of it.
func timeoutString(d time.Duration) string {
	if d < 0 {
		return "-1"
	}
	if d == 0 {
		return "0"
	}
	return d.String()
}

// eventsString prints events as go-cmp does, or "no events".
func eventsString(evs []loop.Event) string {
	if len(evs) == 0 {
		return "no events"
	}
	return fmt.Sprintf("%+v", evs)
}

// sortEvents returns a copy of evs sorted by fd (never nil, so that go-cmp
// sees an empty want and an empty got as equal).
func sortEvents(evs []loop.Event) []loop.Event {
	out := append([]loop.Event{}, evs...)
	slices.SortFunc(out, func(a, b loop.Event) int { return cmp.Compare(a.FD, b.FD) })
	return out
}
