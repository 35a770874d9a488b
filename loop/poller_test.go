package loop_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/loop/looptest"
)

// TestPoller runs the conformance suite on every backend of this OS.
func TestPoller(t *testing.T) {
	for _, name := range loop.Backends() {
		t.Run(name, func(t *testing.T) {
			looptest.TestPoller(t, func() (loop.Poller, error) { return loop.NewPoller(name) })
		})
	}
}

func TestBackendsNotEmpty(t *testing.T) {
	if got := loop.Backends(); len(got) == 0 {
		t.Fatalf("Backends() = %q, want at least one backend", got)
	}
}

func TestNewPollerUnknownNameListsBackends(t *testing.T) {
	p, err := loop.NewPoller("nope")
	if err == nil {
		p.Close()
		t.Fatal(`NewPoller("nope") = nil error, want an error`)
	}
	for _, name := range append([]string{`"nope"`}, loop.Backends()...) {
		if !strings.Contains(err.Error(), name) {
			t.Errorf(`NewPoller("nope") = %q, want an error that names %s`, err, name)
		}
	}
}

// TestOnlySelectLimitsFds checks which backends implement FDLimiter: select
// alone, with FD_SETSIZE.
func TestOnlySelectLimitsFds(t *testing.T) {
	for _, name := range loop.Backends() {
		t.Run(name, func(t *testing.T) {
			p := newPoller(t, name)
			limiter, ok := p.(loop.FDLimiter)
			switch {
			case name == "select" && !ok:
				t.Fatal("select does not implement loop.FDLimiter")
			case name == "select" && limiter.MaxFD() != unix.FD_SETSIZE:
				t.Fatalf("select: MaxFD() = %d, want FD_SETSIZE (%d)", limiter.MaxFD(), unix.FD_SETSIZE)
			case name != "select" && ok:
				t.Fatalf("%s implements loop.FDLimiter (MaxFD() = %d), want no limit", name, limiter.MaxFD())
			}
		})
	}
}

// TestWaitDoesNotAllocate: Wait runs once per loop iteration, so it reuses
// its buffers.
func TestWaitDoesNotAllocate(t *testing.T) {
	for _, name := range loop.Backends() {
		t.Run(name, func(t *testing.T) {
			p := newPoller(t, name)
			var fds []int
			for range 8 {
				pair := socketpair(t)
				register(t, p, pair[0], loop.Readable|loop.Writable)
				fds = append(fds, pair[1])
			}
			unix.Write(fds[0], []byte{'x'})
			ready := make([]loop.Event, 16)
			allocs := testing.AllocsPerRun(100, func() {
				if _, err := p.Wait(0, ready); err != nil {
					t.Fatalf("Wait(0) = %v", err)
				}
			})
			if allocs != 0 {
				t.Errorf("Wait(0) allocates %v times per call, want 0", allocs)
			}
		})
	}
}

// TestClosedWithoutDropIsReported: the contract says to drop an fd before
// closing it. select and poll, which hand the kernel their whole interest
// on every Wait, then report the closed fd with every event it was
// registered for, on every Wait, so that its waiter wakes and meets EBADF;
// neither fails the Wait, which would stop the loop.
func TestClosedWithoutDropIsReported(t *testing.T) {
	for _, name := range []string{"select", "poll"} {
		t.Run(name, func(t *testing.T) {
			p := newPoller(t, name)
			pair := socketpair(t)
			fd, err := unix.Dup(pair[0])
			if err != nil {
				t.Fatal(err)
			}
			register(t, p, fd, loop.Readable|loop.Writable)
			unix.Close(fd)
			ready := make([]loop.Event, 4)
			for range 2 {
				n, err := p.Wait(0, ready)
				if err != nil || n != 1 || ready[0] != (loop.Event{FD: fd, Events: loop.Readable | loop.Writable}) {
					t.Fatalf("Wait(0) with fd %d closed but registered = %v, %v; want [{FD:%d Events:Readable|Writable}], nil",
						fd, ready[:max(n, 0)], err, fd)
				}
			}
		})
	}
}

// TestRegisterRefusesUnknownEvents: events other than Readable and Writable
// are a caller's bug, refused with an error that says so.
func TestRegisterRefusesUnknownEvents(t *testing.T) {
	for _, name := range loop.Backends() {
		t.Run(name, func(t *testing.T) {
			p := newPoller(t, name)
			pair := socketpair(t)
			err := p.Register(pair[0], loop.Events(4))
			if err == nil || !strings.Contains(err.Error(), "unknown events") {
				t.Fatalf("Register(%d, Events(0x4)) = %v, want an error about unknown events", pair[0], err)
			}
		})
	}
}

// TestWaitRefusesEmptyReady: with no room for an event Wait could only
// block or spin.
func TestWaitRefusesEmptyReady(t *testing.T) {
	for _, name := range loop.Backends() {
		t.Run(name, func(t *testing.T) {
			p := newPoller(t, name)
			if _, err := p.Wait(-1, nil); err == nil {
				t.Fatal("Wait(-1, nil) = nil error, want an error: no room for an event")
			}
		})
	}
}

// TestErrorsNameTheSyscall: a failed system call comes back wrapped with its
// name, and errors.Is still finds the errno.
func TestErrorsNameTheSyscall(t *testing.T) {
	name := loop.Backends()[0] // epoll or kqueue: Register reaches the kernel at once
	p := newPoller(t, name)
	pair := socketpair(t)
	fd, err := unix.Dup(pair[0])
	if err != nil {
		t.Fatal(err)
	}
	unix.Close(fd)
	err = p.Register(fd, loop.Readable)
	var sys *os.SyscallError
	if !errors.Is(err, unix.EBADF) || !errors.As(err, &sys) {
		t.Fatalf("%s: Register(%d) of a closed fd = %v, want an *os.SyscallError wrapping EBADF", name, fd, err)
	}
}

func newPoller(t *testing.T, name string) loop.Poller {
	t.Helper()
	p, err := loop.NewPoller(name)
	if err != nil {
		t.Fatalf("NewPoller(%q) = %v", name, err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func socketpair(t *testing.T) [2]int {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { unix.Close(fd) })
	}
	return fds
}

func register(t *testing.T, p loop.Poller, fd int, ev loop.Events) {
	t.Helper()
	if err := p.Register(fd, ev); err != nil {
		t.Fatalf("Register(%d, %v) = %v", fd, ev, err)
	}
}
