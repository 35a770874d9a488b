package main

import (
	"testing"

	"golang.org/x/sys/unix"
)

// hasExited reports whether child pid has exited, without reaping it:
// waitid with WNOWAIT leaves it a zombie, for reap to find.
func hasExited(t *testing.T, pid int) bool {
	t.Helper()
	var info unix.Siginfo
	err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
	if err != nil {
		t.Fatalf("waitid(%d): %v", pid, err)
	}
	return info.Signo != 0 // filled in only for a child that has exited
}
