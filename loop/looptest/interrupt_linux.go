//go:build linux

package looptest

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// canInterrupt says whether this OS lets a check send a signal to the one
// thread that is inside Wait (tgkill).
const canInterrupt = true

// lockAndReportThread locks the calling goroutine to its thread and sends
// the thread's id on tid. The goroutine is guard's, about to call Wait; its
// thread ends with it.
func lockAndReportThread(tid chan<- int) {
	runtime.LockOSThread()
	tid <- unix.Gettid()
}

// interruptThread sends SIGURG to thread tid of this process. SIGURG is the
// signal the Go runtime itself sends to preempt a goroutine, so its handler
// is already installed and harmless; like any handled signal, it makes a
// select, poll, epoll_wait or kevent in progress on that thread fail with
// EINTR.
func interruptThread(tid int) error {
	return unix.Tgkill(unix.Getpid(), tid, unix.SIGURG)
}
