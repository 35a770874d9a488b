package process

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// A Command says what to run, and how: asyncio's create_subprocess_exec
// arguments, libuv's uv_process_options_t.
type Command struct {
	// Args is the program and its arguments. Args[0] is looked up in PATH
	// unless it contains a slash.
	Args []string
	// Env is the child's environment; nil gives it this process's.
	Env []string
	// Dir is the child's working directory; "" is this process's.
	Dir string
	// Stdin, Stdout and Stderr ask for a pipe to the child's fd 0, 1 or 2,
	// the parent's end non-blocking on the loop. Without one, the child's
	// fd is /dev/null: a pipe nobody reads would fill, and block the child.
	Stdin, Stdout, Stderr bool
	// Watch is how the loop learns that the child exited. The zero value
	// is the best this OS has.
	Watch Watch
}

// A Watch is a way for the loop to learn that a child exited.
type Watch int

const (
	// Best is pidfd on Linux, SIGCHLD elsewhere.
	Best Watch = iota
	// PidFD polls an fd that becomes readable when the child exits
	// (pidfd_open, Linux 5.3): one fd per child, and no signal at all.
	PidFD
	// SIGCHLD handles the signal the kernel sends a parent when a child
	// exits, through package signals, and asks each child whether it is
	// the one that exited.
	SIGCHLD
)

// A Status is how a child ended.
type Status struct {
	Code   int            // its exit code, or -1 if a signal ended it
	Signal syscall.Signal // the signal that ended it, or 0
}

// String says how the child ended: "exit status 0", "killed by SIGTERM".
func (s Status) String() string {
	if s.Signal != 0 {
		return "killed by " + unix.SignalName(s.Signal)
	}
	return fmt.Sprintf("exit status %d", s.Code)
}

// Success reports whether the child exited with status 0.
func (s Status) Success() bool { return s.Code == 0 && s.Signal == 0 }

// A Process is a child process whose pipes and exit the loop watches.
// Its methods belong to the loop goroutine (and to the coroutines of a
// hub on that loop).
type Process struct {
	// Set by Start, then read-only.
	Pid    int
	Stdin  *Pipe // nil unless Command.Stdin
	Stdout *Pipe // nil unless Command.Stdout
	Stderr *Pipe // nil unless Command.Stderr
	loop   *loop.Loop
	pidfd  int // -1 unless watched by PidFD

	// Owned by the loop goroutine.
	unwatch func() // ends the exit watch
	onExit  []func(Status)
	result  coroutines.AsyncResult[Status] // set once reaped
}

// Start starts cmd's program as a child, with the pipes cmd asks for, and
// watches for its exit on l. The child keeps l's Run going until it has
// exited and been reaped (waited for), so that it never stays a zombie
// while the loop runs. Loop goroutine only.
func Start(l *loop.Loop, cmd Command) (*Process, error) {
	if len(cmd.Args) == 0 {
		return nil, errors.New("process: Start: no program: Command.Args is empty")
	}
	path, err := exec.LookPath(cmd.Args[0])
	if err != nil {
		return nil, fmt.Errorf("process: Start: %w", err)
	}
	p := &Process{loop: l, pidfd: -1}
	child, err := p.makePipes(l, cmd)
	if err != nil {
		return nil, err
	}
	defer child.close() // the child's ends: its copies are its own
	// A SIGCHLD watch begins before the fork: a child that exits at once
	// must find the handler there, or its signal goes unheard.
	watch, err := p.watchBeforeFork(cmd.Watch)
	if err != nil {
		p.closePipes()
		return nil, err
	}
	p.Pid, err = fork(path, cmd, child)
	if err != nil {
		watch.cancel()
		p.closePipes()
		return nil, err
	}
	if err := watch.start(p); err != nil {
		p.closePipes()
		return nil, err
	}
	return p, nil
}

// fork starts the child with child's fds as its 0, 1 and 2.
func fork(path string, cmd Command, child childFDs) (int, error) {
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	attr := &syscall.ProcAttr{Dir: cmd.Dir, Env: env, Files: []uintptr{uintptr(child[0]), uintptr(child[1]), uintptr(child[2])}}
	pid, err := syscall.ForkExec(path, cmd.Args, attr)
	switch {
	case err != nil && cmd.Dir != "":
		// The child's chdir fails with the same errno as its exec: name both.
		return 0, fmt.Errorf("process: starting %s in directory %s: %w", path, cmd.Dir, err)
	case err != nil:
		return 0, fmt.Errorf("process: starting %s: %w", path, err)
	}
	return pid, nil
}

// OnExit makes l call fn with the child's status once it has exited and
// been reaped; at the next iteration if it has already.
func (p *Process) OnExit(fn func(Status)) {
	if p.result.Ready() {
		st, _ := p.result.Result()
		p.loop.CallSoon(func() { fn(st) })
		return
	}
	p.onExit = append(p.onExit, fn)
}

// Wait parks the coroutine of ctx until the child has exited and been
// reaped, and returns its status: asyncio's `await proc.wait()`. If ctx is
// done first, it returns the cause; the child is still watched.
func (p *Process) Wait(ctx context.Context) (Status, error) { return p.result.Get(ctx) }

// Exited returns the child's status, and whether it has exited and been
// reaped.
func (p *Process) Exited() (Status, bool) {
	st, _ := p.result.Result()
	return st, p.result.Ready()
}

// Kill sends sig to the child. Once the child is reaped its pid may be
// another process's, so Kill then refuses: the pid is safe to signal only
// while the exit watch has not reaped it (and with PidFD the kernel
// names the child by its pidfd, not its number).
func (p *Process) Kill(sig syscall.Signal) error {
	if p.result.Ready() {
		return fmt.Errorf("process: Kill(%s): pid %d has exited", unix.SignalName(sig), p.Pid)
	}
	return p.sendSignal(sig)
}

// reap collects the child's status if it has exited, without blocking:
// what each exit watch calls when the loop tells it something happened.
// It is never called once the child is reaped: exited ends the watch, and
// neither a removed waiter nor a stopped signal handler runs again.
func (p *Process) reap() {
	var ws unix.WaitStatus
	pid, err := unix.Wait4(p.Pid, &ws, unix.WNOHANG, nil)
	for err == unix.EINTR {
		pid, err = unix.Wait4(p.Pid, &ws, unix.WNOHANG, nil)
	}
	switch {
	case err != nil:
		// ECHILD: someone else waited for our child (a wait for any
		// child, elsewhere in the program). Its status is lost.
		p.exited(Status{Code: -1}, fmt.Errorf("process: waiting for pid %d: %w", p.Pid, os.NewSyscallError("wait4", err)))
		return
	case pid == 0:
		return // still running: the signal was another child's
	}
	st := Status{Code: ws.ExitStatus()}
	if ws.Signaled() {
		st = Status{Code: -1, Signal: ws.Signal()}
	}
	p.exited(st, nil)
}

// exited ends the exit watch, sets the result and calls the OnExit
// functions, in the order they were given.
func (p *Process) exited(st Status, err error) {
	p.unwatch()
	if err != nil {
		p.loop.ReportError(err)
	}
	p.result.Set(st)
	for _, fn := range p.onExit {
		fn(st)
	}
	p.onExit = nil
}
