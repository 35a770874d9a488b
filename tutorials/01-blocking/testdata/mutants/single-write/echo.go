// Package blocking is a known-wrong echo for the checks of tutorial step
// 01: WriteAll writes once, and drops whatever a short write left.
package blocking

import (
	"os"

	"golang.org/x/sys/unix"
)

// Echo sends back to the client on fd everything it reads from it, until
// the client closes its end; then it returns nil. fd is a blocking socket:
// read waits until the client sends something, write until the kernel has
// taken the bytes. While Echo runs, the goroutine that called it serves no
// one else.
func Echo(fd int) error {
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EINTR {
			continue // a signal arrived before any byte: just read again
		}
		if err != nil {
			return os.NewSyscallError("read", err)
		}
		if n == 0 {
			return nil // end of file: the client closed its end
		}
		if err := WriteAll(fd, buf[:n]); err != nil {
			return err
		}
	}
}

// WriteAll writes all of p to fd. One write may take fewer bytes than it
// was given, even on a blocking socket: when a signal interrupts it after
// some bytes went, write returns how many did (a short write). So WriteAll
// writes again, with the rest, until nothing is left.
func WriteAll(fd int, p []byte) error {
	_, err := unix.Write(fd, p) // the mistake: a short write loses the rest
	if err != nil {
		return os.NewSyscallError("write", err)
	}
	return nil
}
