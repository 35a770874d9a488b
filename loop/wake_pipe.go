//go:build !linux

package loop

import (
	"os"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// A waker is the fd another goroutine writes to so that a loop waiting in
// poll returns. Where there is no eventfd it is the classic self-pipe: the
// loop watches the read end, a wake-up writes a byte to the write end.
type waker struct {
	fd      int // the read end, which the loop watches
	writeFD int
	pending atomic.Bool // a wake-up was signalled and not yet drained
}

func newWaker() (*waker, error) {
	// macOS has no pipe2, so close-on-exec is set right after pipe, with
	// syscall.ForkLock held as package os does: a program started
	// meanwhile with os/exec must not inherit the fds.
	var p [2]int
	syscall.ForkLock.RLock()
	err := unix.Pipe(p[:])
	if err == nil {
		unix.CloseOnExec(p[0])
		unix.CloseOnExec(p[1])
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, os.NewSyscallError("pipe", err)
	}
	for _, fd := range p {
		if err := unix.SetNonblock(fd, true); err != nil {
			unix.Close(p[0])
			unix.Close(p[1])
			return nil, os.NewSyscallError("fcntl", err)
		}
	}
	return &waker{fd: p[0], writeFD: p[1]}, nil
}

// signal writes one byte. EAGAIN means the pipe is full, which still leaves
// it readable: the wake-up is not lost.
func (w *waker) signal() error {
	_, err := unix.Write(w.writeFD, []byte{1})
	if err != nil && err != unix.EAGAIN {
		return os.NewSyscallError("write", err)
	}
	return nil
}

// drain reads until the pipe is empty, so the read end stops being readable.
func (w *waker) drain() {
	var buf [64]byte
	for {
		n, err := unix.Read(w.fd, buf[:])
		if n <= 0 || err != nil {
			return
		}
	}
}

func (w *waker) close() error {
	err := unix.Close(w.fd)
	if werr := unix.Close(w.writeFD); err == nil {
		err = werr
	}
	return err
}
