//go:build linux

package sock

import (
	"os"

	"golang.org/x/sys/unix"
)

// Socket returns a new socket, non-blocking and close-on-exec from the start
// (one system call: no window in which a fork could inherit it).
func Socket(family, typ int) (int, error) {
	fd, err := unix.Socket(family, typ|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return -1, os.NewSyscallError("socket", err)
	}
	return fd, nil
}

// accept uses accept4, which makes the new fd non-blocking and close-on-exec
// in the same call.
func accept(listener int) (int, unix.Sockaddr, error) {
	for {
		fd, sa, err := unix.Accept4(listener, unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC)
		if err == unix.EINTR || err == unix.ECONNABORTED {
			continue // a signal, or a connection reset while queued: try the next
		}
		return fd, sa, err
	}
}
