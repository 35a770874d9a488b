//go:build !linux

package main

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// hasExited reports whether child pid has exited, without reaping it:
// ps shows a zombie's state as Z. (waitid, which Linux's check uses, is
// not in golang.org/x/sys/unix for this OS.)
func hasExited(t *testing.T, pid int) bool {
	t.Helper()
	out, err := exec.Command("ps", "-o", "stat=", "-p", strconv.Itoa(pid)).Output()
	if err != nil {
		t.Fatalf("ps -p %d: %v", pid, err)
	}
	return strings.HasPrefix(strings.TrimSpace(string(out)), "Z")
}
