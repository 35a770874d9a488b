//go:build linux

package main

import (
	"time"

	"golang.org/x/sys/unix"
)

// sleepInKernel blocks the calling goroutine in a system call, nanosleep(2),
// for d: its thread goes with it, unlike time.Sleep, which parks only the
// goroutine.
func sleepInKernel(d time.Duration) {
	ts := unix.NsecToTimespec(int64(d))
	unix.Nanosleep(&ts, nil)
}
