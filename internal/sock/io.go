package sock

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Read reads from a non-blocking fd, retrying EINTR. (0, nil) is end of
// file; unix.EAGAIN means nothing is there yet: wait for readability.
func Read(fd int, p []byte) (int, error) {
	for {
		n, err := rawRead(fd, p)
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
		n, err := rawWrite(fd, p)
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

// rawRead and rawWrite make the read(2) and write(2) system calls without
// telling Go's scheduler (unix.RawSyscall rather than unix.Syscall).
//
// Discussion: unix.Read and unix.Write go through entersyscall and
// exitsyscall, so that a call that blocks gives up its P (the right to run
// Go code) and other goroutines go on; after 20 µs in a system call the
// runtime's monitor hands the P to another thread, and the caller must take
// it back when the call returns. A write on loopback runs the receiving
// socket's TCP work too and often takes that long. These fds are
// non-blocking, so a call never waits: the hand-over buys nothing and costs
// a round trip through the scheduler per call. Measured with the echo
// anchors' C client at 100 connections, server pinned to one core
// (callbacks style): 150–152k round trips/s with unix.Read/Write,
// 170–174k with these, the client's core then being the limit. Only for
// fds opened non-blocking (all of this package's): a raw call that blocks
// would stop the scheduler's P with it.
func rawRead(fd int, p []byte) (int, error) {
	n, _, errno := unix.RawSyscall(unix.SYS_READ, uintptr(fd), bufferPointer(p), uintptr(len(p)))
	return rawResult(n, errno)
}

func rawWrite(fd int, p []byte) (int, error) {
	n, _, errno := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), bufferPointer(p), uintptr(len(p)))
	return rawResult(n, errno)
}

func bufferPointer(p []byte) uintptr {
	if len(p) == 0 {
		return 0
	}
	return uintptr(unsafe.Pointer(&p[0]))
}

func rawResult(n uintptr, errno unix.Errno) (int, error) {
	if errno != 0 {
		return -1, errno
	}
	return int(n), nil
}
