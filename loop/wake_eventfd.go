//go:build linux

package loop

import (
	"encoding/binary"
	"os"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// A waker is the fd another goroutine writes to so that a loop waiting in
// poll returns. On Linux it is an eventfd: one fd, a counter the kernel adds
// writes to, readable while the counter is not zero.
type waker struct {
	fd      int
	pending atomic.Bool // a wake-up was signalled and not yet drained
}

func newWaker() (*waker, error) {
	fd, err := unix.Eventfd(0, unix.EFD_NONBLOCK|unix.EFD_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("eventfd", err)
	}
	return &waker{fd: fd}, nil
}

// signal adds one to the counter. EAGAIN means the counter is full, which
// still leaves the fd readable: the wake-up is not lost.
func (w *waker) signal() error {
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1)
	_, err := unix.Write(w.fd, one[:])
	if err != nil && err != unix.EAGAIN {
		return os.NewSyscallError("write eventfd", err)
	}
	return nil
}

// drain reads the counter back to zero, so the fd stops being readable.
func (w *waker) drain() {
	var buf [8]byte
	unix.Read(w.fd, buf[:])
}

func (w *waker) close() error { return unix.Close(w.fd) }
