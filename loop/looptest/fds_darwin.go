//go:build darwin

package looptest

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// newPipe returns a non-blocking, close-on-exec pipe: fds[0] is the read
// end, fds[1] the write end. macOS has no pipe2, so the flags are set after
// the call, under syscall.ForkLock as os.Pipe does, so that no fork in
// between can inherit the fds.
func newPipe() (fds [2]int, err error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	if err := unix.Pipe(fds[:]); err != nil {
		return fds, err
	}
	return fds, setFlags(fds)
}

// newSocketpair returns two connected, non-blocking, close-on-exec Unix
// stream sockets. macOS has no SOCK_NONBLOCK or SOCK_CLOEXEC, hence
// ForkLock as in newPipe.
func newSocketpair() ([2]int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return fds, err
	}
	return fds, setFlags(fds)
}

func setFlags(fds [2]int) error {
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(fds[0])
			unix.Close(fds[1])
			return err
		}
	}
	return nil
}
