package children

import (
	"fmt"
	"os"
	"os/exec"
	"slices"
	"syscall"

	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// A Reaper starts children, and tells, on the loop, how each one ended.
// It learns that a child exited from SIGCHLD, then reaps it: waits for
// it, which frees the entry the kernel keeps for a child that exited (a
// zombie) until its parent has read its status. Loop goroutine only.
type Reaper struct {
	loop    *loop.Loop
	stop    func()  // stops the SIGCHLD handler
	running []child // the children not reaped yet, in the order they started
	signals int     // runs of the SIGCHLD handler
}

// A child is one child still running, or exited but not yet reaped.
type child struct {
	pid     int
	onExit  func(unix.WaitStatus)
	release func() // the loop's Hold: a running child is something to wait for
}

// New returns a Reaper on l, told of exits by SIGCHLD through onSignal:
// OnSignal, or, in the checks, one of their own.
func New(l *loop.Loop, onSignal func(l *loop.Loop, sig os.Signal, fn func()) (stop func())) *Reaper {
	r := &Reaper{loop: l}
	r.stop = onSignal(l, syscall.SIGCHLD, r.reap)
	return r
}

// Start starts argv as a child, its stdin, stdout and stderr /dev/null,
// and returns its pid. onExit is called on the loop with how the child
// ended, once it has been reaped. The child keeps the loop's Run going
// until then.
func (r *Reaper) Start(argv []string, onExit func(unix.WaitStatus)) (int, error) {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return 0, err
	}
	null, err := os.Open(os.DevNull)
	if err != nil {
		return 0, err
	}
	defer null.Close()
	fd := null.Fd()
	pid, err := syscall.ForkExec(path, argv, &syscall.ProcAttr{Env: os.Environ(), Files: []uintptr{fd, fd, fd}})
	if err != nil {
		return 0, fmt.Errorf("starting %s: %w", path, err)
	}
	r.running = append(r.running, child{pid: pid, onExit: onExit, release: r.loop.Hold()})
	return pid, nil
}

// Signals returns how many times the SIGCHLD handler ran: for the demo,
// which compares it with the number of children.
func (r *Reaper) Signals() int { return r.signals }

// Close stops handling SIGCHLD. Children still running are the caller's
// to end and wait for.
func (r *Reaper) Close() { r.stop() }

// reap is the SIGCHLD handler, a loop callback: it reaps every child that
// has exited, in the order they started, and tells each one's onExit.
func (r *Reaper) reap() {
	r.signals++
	// Signals coalesce: one SIGCHLD may stand for several exits. So ask
	// every child, and never wait for one that has not exited: WNOHANG.
	for _, c := range slices.Clone(r.running) {
		var status unix.WaitStatus
		pid, err := unix.Wait4(c.pid, &status, unix.WNOHANG, nil)
		switch {
		case err != nil:
			r.loop.ReportError(fmt.Errorf("children: waiting for pid %d: %w", c.pid, err))
		case pid == c.pid:
			r.exited(c.pid, status)
		}
	}
}

// exited forgets a child that was reaped, and tells its onExit.
func (r *Reaper) exited(pid int, status unix.WaitStatus) {
	i := slices.IndexFunc(r.running, func(c child) bool { return c.pid == pid })
	c := r.running[i]
	r.running = slices.Delete(r.running, i, i+1)
	c.release()
	c.onExit(status)
}
