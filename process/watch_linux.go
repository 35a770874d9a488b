package process

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// best is the exit watch of this OS.
const best = PidFD

// pidfdWatch is the exit watch PidFD: watchPidFD, after the fork.
func pidfdWatch() (exitWatch, error) {
	return exitWatch{start: (*Process).watchPidFD, cancel: func() {}}, nil
}

// watchPidFD opens a pidfd for the child and polls it: the kernel makes it
// readable when the child exits, and reap then waits for it without
// blocking. No signal is involved, so nothing is coalesced or lost, and
// the fd keeps the loop's Run going as any waiter does. Python's
// PidfdChildWatcher does the same (os.pidfd_open, add_reader, waitpid).
//
// No PIDFD_NONBLOCK (Linux 5.10): it changes only waitid(P_PIDFD), and
// reap asks wait4 with WNOHANG, so a 5.3 kernel does as well. No fcntl
// for close-on-exec either: pidfd_open always sets it.
//
// The pid cannot name another process between the fork and pidfd_open:
// a child that has exited stays a zombie, holding its pid, until its
// parent waits for it, and only reap does.
func (p *Process) watchPidFD() error {
	fd, err := unix.PidfdOpen(p.Pid, 0)
	if err != nil {
		err = fmt.Errorf("process: watching pid %d: %w (Linux 5.3 has it; Watch SIGCHLD works everywhere)",
			p.Pid, os.NewSyscallError("pidfd_open", err))
		p.killAndReap()
		return err
	}
	if err := p.loop.AddReader(fd, p.reap); err != nil {
		unix.Close(fd)
		p.killAndReap()
		return fmt.Errorf("process: watching pid %d: %w", p.Pid, err)
	}
	p.pidfd = fd
	p.unwatch = func() {
		p.loop.RemoveReader(fd)
		unix.Close(fd)
		p.pidfd = -1
	}
	return nil
}

// killAndReap ends a child that cannot be watched, and reaps it, blocking
// for the moment SIGKILL takes: better than a zombie, or a child nobody
// knows of.
func (p *Process) killAndReap() {
	unix.Kill(p.Pid, unix.SIGKILL)
	var ws unix.WaitStatus
	for {
		if _, err := unix.Wait4(p.Pid, &ws, 0, nil); err != unix.EINTR {
			return
		}
	}
}

// sendSignal sends sig to the child: through its pidfd while it has one,
// which names this child and no other, whatever its pid.
func (p *Process) sendSignal(sig syscall.Signal) error {
	if p.pidfd >= 0 {
		return os.NewSyscallError("pidfd_send_signal", unix.PidfdSendSignal(p.pidfd, sig, nil, 0))
	}
	return os.NewSyscallError("kill", unix.Kill(p.Pid, sig))
}
