//go:build linux

package steptest

import (
	"os"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// canInterrupt says whether this OS lets a check look inside one thread
// (/proc/self/task/TID/syscall) and send it a signal (tgkill).
const canInterrupt = true

// lockThread locks the calling goroutine to its OS thread and returns the
// thread's id.
func lockThread() int {
	runtime.LockOSThread()
	return unix.Gettid()
}

// cannotInspect returns why this process cannot read its threads'
// /proc/self/task/TID/syscall (a kernel without it, a sandbox that hides
// it), or "" if it can.
func cannotInspect() string {
	tid := unix.Gettid()
	if _, err := os.ReadFile("/proc/self/task/" + strconv.Itoa(tid) + "/syscall"); err != nil {
		return err.Error()
	}
	return ""
}

// threadSyscall returns the system call thread tid is blocked in, with its
// arguments, from /proc/self/task/TID/syscall; ok is false if the thread is
// running or not inside a system call. A process may always read this file
// for its own threads.
func threadSyscall(tid int) (nr int, args [6]uint64, ok bool) {
	data, err := os.ReadFile("/proc/self/task/" + strconv.Itoa(tid) + "/syscall")
	if err != nil {
		return 0, args, false
	}
	fields := strings.Fields(string(data))
	if len(fields) < 7 {
		return 0, args, false // "running", or "-1 sp pc": not in a system call
	}
	nr, err = strconv.Atoi(fields[0])
	if err != nil || nr < 0 {
		return 0, args, false
	}
	for i := range args {
		args[i], _ = strconv.ParseUint(strings.TrimPrefix(fields[i+1], "0x"), 16, 64)
	}
	return nr, args, true
}

// isWrite reports whether nr is a system call that writes a buffer to an
// fd with its length as the third argument: write(2) or sendto(2).
func isWrite(nr int) bool { return nr == unix.SYS_WRITE || nr == unix.SYS_SENDTO }

// interruptThread sends SIGURG to thread tid of this process. SIGURG is the
// signal the Go runtime itself sends to preempt a goroutine, so its handler
// is installed and harmless; like any handled signal, it interrupts a
// system call the thread is blocked in.
func interruptThread(tid int) error {
	return unix.Tgkill(unix.Getpid(), tid, unix.SIGURG)
}

// queued returns the bytes waiting to be read from a socket (SIOCINQ, the
// socket name of FIONREAD).
func queued(fd int) (int, error) { return unix.IoctlGetInt(fd, unix.SIOCINQ) }
