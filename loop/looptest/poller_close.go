package looptest

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/loop"
)

// Stage 9-Close: the end of a poller. Close releases what the poller owns
// (epoll's and kqueue's own fd) and nothing else: the fds it watched belong
// to the caller. After Close every method fails with loop.ErrClosed, rather
// than waiting on a closed fd (EBADF) or, worse, on a number that now names
// someone else's.

func checkCloseReturnsNil(h *pollerHarness) {
	r, _ := h.pipe()
	h.register(r, readable)
	if err := h.close(); err != nil {
		h.fatalf("Close() = %v, want nil", err)
	}
}

func checkCallsAfterCloseFail(h *pollerHarness) {
	r, w := h.pipe()
	h.register(r, readable)
	h.write(w)
	if err := h.close(); err != nil {
		h.fatalf("Close() = %v, want nil", err)
	}
	ready := make([]loop.Event, 4)
	calls := []struct {
		name string
		fn   func() (int, error)
	}{
		{"Register(r, Writable)", func() (int, error) { return 0, h.p.Register(r, writable) }},
		{"Wait(0)", func() (int, error) { return h.p.Wait(0, ready) }},
		{"Close()", closer(h.p)},
	}
	for _, c := range calls {
		res := h.call(c.name+" after Close", h.s.bound, "", nil, c.fn)
		if !errors.Is(res.err, loop.ErrClosed) {
			h.fatalf("%s after Close = %d, %v; want an error wrapping loop.ErrClosed", c.name, res.n, res.err)
		}
	}
}

func checkRegisteredFdsStayOpen(h *pollerHarness) {
	r, w := h.pipe()
	h.register(r, readable)
	h.register(w, writable)
	if err := h.close(); err != nil {
		h.fatalf("Close() = %v, want nil", err)
	}
	for _, fd := range []int{r, w} {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			h.fatalf("after Close, fcntl(%s, F_GETFD) = %v, want the fd still open: registered fds are the caller's", h.fd(fd), err)
		}
	}
	h.write(w)
	h.drain(r)
}

func checkReleasesItsFds(h *pollerHarness) {
	openFds() // the first look may itself open fds for good (Go's own poller)
	before, err := openFds()
	if err != nil {
		h.t.Skipf("cannot count open fds: %v", err)
	}
	// A second poller, made and closed between two counts.
	var p loop.Poller
	r := h.call("newPoller()", h.s.bound, "", nil, func() (n int, err error) {
		p, err = h.s.newPoller()
		return 0, err
	})
	if r.err != nil || p == nil {
		h.fatalf("newPoller() = %v, %v; want a poller, nil", p, r.err)
	}
	if r := h.call("Close()", h.s.bound, "", nil, closer(p)); r.err != nil {
		h.fatalf("Close() = %v, want nil", r.err)
	}
	after, err := openFds()
	if err != nil {
		h.t.Skipf("cannot count open fds: %v", err)
	}
	if after != before {
		h.fatalf("open fds: %d before newPoller(), %d after Close(), want %d: Close must release the poller's own fds",
			before, after, before)
	}
}

// openFds counts this process's open fds.
func openFds() (int, error) {
	entries, err := os.ReadDir("/dev/fd")
	return len(entries), err
}
