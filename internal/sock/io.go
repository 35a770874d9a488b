package sock

import (
	"os"

	"golang.org/x/sys/unix"
)

// Read reads from a non-blocking fd, retrying EINTR. (0, nil) is end of
// file; unix.EAGAIN means nothing is there yet: wait for readability.
func Read(fd int, p []byte) (int, error) {
	for {
		n, err := unix.Read(fd, p)
		if err == unix.EINTR {
			continue
		}
		if n < 0 {
			n = 0
		}
		return n, err
	}
}

// Write writes to a non-blocking fd, retrying EINTR. It may write less than
// len(p) (a short write): the caller keeps the rest and waits for
// writability. unix.EAGAIN means the send buffer is full.
func Write(fd int, p []byte) (int, error) {
	for {
		n, err := unix.Write(fd, p)
		if err == unix.EINTR {
			continue
		}
		if n < 0 {
			n = 0
		}
		return n, err
	}
}

// CloseWrite shuts down the sending half: the peer reads end of file, and
// can still send to us (a half-close).
func CloseWrite(fd int) error {
	return os.NewSyscallError("shutdown", unix.Shutdown(fd, unix.SHUT_WR))
}

// Abort closes fd with SO_LINGER set to 0, so the kernel drops unsent data
// and sends the peer a reset instead of an orderly FIN.
func Abort(fd int) error {
	unix.SetsockoptLinger(fd, unix.SOL_SOCKET, unix.SO_LINGER, &unix.Linger{Onoff: 1, Linger: 0})
	return unix.Close(fd)
}

// WouldBlock reports whether err means "not now, wait for readiness".
func WouldBlock(err error) bool {
	return err == unix.EAGAIN || err == unix.EWOULDBLOCK
}
