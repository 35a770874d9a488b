//go:build !linux

package process

import (
	"fmt"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// best is the exit watch of this OS.
const best = SIGCHLD

// pidfdWatch refuses PidFD, before the fork: pidfd_open is Linux's.
func pidfdWatch() (exitWatch, error) {
	return exitWatch{}, fmt.Errorf("process: Watch PidFD: pidfd_open is Linux's, and this is %s: use SIGCHLD", runtime.GOOS)
}

// sendSignal sends sig to the child.
func (p *Process) sendSignal(sig syscall.Signal) error {
	return os.NewSyscallError("kill", unix.Kill(p.Pid, sig))
}
