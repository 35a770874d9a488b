package pollcost

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
)

// Iterations is how many loop iterations a poll cost is the mean of.
const Iterations = 2000

// Measure returns the mean cost of one iteration of l with idle fds
// watched and one always readable, over iterations iterations after a
// tenth as many to warm up. It removes and closes the fds it added before
// it returns; l stays the caller's to close.
func Measure(l *loop.Loop, idle, iterations int) (time.Duration, error) {
	var fds []int
	defer func() {
		for _, fd := range fds {
			l.RemoveReader(fd)
			unix.Close(fd)
		}
	}()
	for range idle {
		fd, _, err := sock.ListenPacket("127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		fds = append(fds, fd)
		if err := l.AddReader(fd, func() {}); err != nil {
			return 0, fmt.Errorf("%d idle fds: %w", idle, err)
		}
	}
	busy, err := alwaysReadable()
	if err != nil {
		return 0, err
	}
	fds = append(fds, busy[0], busy[1])
	if err := l.AddReader(busy[0], func() {}); err != nil {
		return 0, err
	}
	for range iterations / 10 { // warm up: caches, the poller's arrays
		l.RunOnce()
	}
	began := time.Now()
	for range iterations {
		if err := l.RunOnce(); err != nil {
			return 0, err
		}
	}
	return time.Since(began) / time.Duration(iterations), nil
}

// alwaysReadable returns a socket pair whose first end has a byte nobody
// reads: readable at every poll (readiness is level-triggered). Both ends
// are made non-blocking and close-on-exec after socketpair(2), since macOS
// has no SOCK_NONBLOCK or SOCK_CLOEXEC flag to ask for it at once; the
// close-on-exec is set with syscall.ForkLock held, as package os does, so
// that a child compare starts in between does not inherit the pair.
func alwaysReadable() ([2]int, error) {
	syscall.ForkLock.RLock()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err == nil {
		unix.CloseOnExec(fds[0])
		unix.CloseOnExec(fds[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return fds, os.NewSyscallError("socketpair", err)
	}
	for _, fd := range fds {
		if err = unix.SetNonblock(fd, true); err != nil {
			err = os.NewSyscallError("fcntl", err)
			break
		}
	}
	if err == nil {
		if _, err = unix.Write(fds[1], []byte{1}); err != nil {
			err = os.NewSyscallError("write", err)
		}
	}
	if err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return fds, err
	}
	return fds, nil
}
