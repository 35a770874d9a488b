//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package sock

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Socket returns a new non-blocking, close-on-exec socket. macOS has no
// SOCK_NONBLOCK flag, so it takes three calls.
func Socket(family, typ int) (int, error) {
	// Close-on-exec is set right after socket, with syscall.ForkLock held
	// as package os does, so that no os/exec in between inherits the fd.
	syscall.ForkLock.RLock()
	fd, err := unix.Socket(family, typ, 0)
	if err == nil {
		unix.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return -1, os.NewSyscallError("fcntl", err)
	}
	if typ == unix.SOCK_STREAM {
		// A write to a reset socket raises SIGPIPE here unless told not to.
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_NOSIGPIPE, 1)
	}
	return fd, nil
}

func accept(listener int) (int, unix.Sockaddr, error) {
	for {
		syscall.ForkLock.RLock()
		fd, sa, err := unix.Accept(listener)
		if err == nil {
			unix.CloseOnExec(fd)
		}
		syscall.ForkLock.RUnlock()
		if err == unix.EINTR || err == unix.ECONNABORTED {
			continue
		}
		if err != nil {
			return -1, nil, err
		}
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(fd)
			return -1, nil, os.NewSyscallError("fcntl", err)
		}
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_NOSIGPIPE, 1)
		return fd, sa, nil
	}
}
