package process

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// A Pipe is the parent's end of one of a child's standard fds: a
// non-blocking pipe on the loop. Stdin is written to; Stdout and Stderr
// are read from. Its methods belong to the loop goroutine (and to the
// coroutines of a hub on that loop). Read it in one style: OnRead, or Read
// from one coroutine.
type Pipe struct {
	// Set by Start, then read-only.
	loop  *loop.Loop
	fd    int
	name  string // "stdin", for errors
	write bool

	// Owned by the loop goroutine.
	closed  bool
	onRead  func(data []byte, err error)
	buf     []byte    // the read buffer of OnRead's reader
	queue   []pending // Write's bytes the pipe has not taken yet
	closing bool      // Close came while bytes were queued: close once written
}

// pending is one Write's bytes still to go, and who to tell.
type pending struct {
	data []byte
	done func(error)
}

// ErrClosed is the error of a call on a closed Pipe.
var ErrClosed = errors.New("process: pipe closed")

// readSize is the read buffer of OnRead: a pipe holds 64 KiB on Linux.
const readSize = 64 << 10

// childFDs are the child's fds 0, 1 and 2 as the parent opened them.
type childFDs [3]int

func (c childFDs) close() {
	for _, fd := range c {
		unix.Close(fd)
	}
}

// makePipes makes the pipes cmd asks for, and /dev/null for the others,
// and returns the child's ends. Every fd is made close-on-exec, so that
// no other child started meanwhile (by os/exec, on any goroutine) inherits
// one and holds a pipe open; ForkExec gives the child its three as 0, 1 and
// 2, without the flag.
func (p *Process) makePipes(l *loop.Loop, cmd Command) (childFDs, error) {
	var child childFDs
	for i, want := range []bool{cmd.Stdin, cmd.Stdout, cmd.Stderr} {
		fd, pipe, err := makeOne(l, i, want)
		if err != nil {
			for _, fd := range child[:i] {
				unix.Close(fd)
			}
			p.closePipes()
			return childFDs{}, err
		}
		child[i] = fd
		switch i {
		case 0:
			p.Stdin = pipe
		case 1:
			p.Stdout = pipe
		case 2:
			p.Stderr = pipe
		}
	}
	return child, nil
}

// makeOne makes the child's fd i: a pipe whose other end is returned as a
// Pipe, or /dev/null.
func makeOne(l *loop.Loop, i int, want bool) (int, *Pipe, error) {
	names := [3]string{"stdin", "stdout", "stderr"}
	if !want {
		fd, err := unix.Open(os.DevNull, unix.O_RDWR|unix.O_CLOEXEC, 0)
		return fd, nil, os.NewSyscallError("open "+os.DevNull, err)
	}
	fds, err := pipeCloseOnExec()
	if err != nil {
		return -1, nil, err
	}
	ours, theirs := fds[0], fds[1]
	if i == 0 {
		ours, theirs = fds[1], fds[0]
	}
	// Only our end is non-blocking: the flag belongs to the open file,
	// and a child's read of a non-blocking stdin would fail with EAGAIN.
	if err := unix.SetNonblock(ours, true); err != nil {
		unix.Close(ours)
		unix.Close(theirs)
		return -1, nil, os.NewSyscallError("fcntl", err)
	}
	return theirs, &Pipe{loop: l, fd: ours, name: names[i], write: i == 0}, nil
}

// pipeCloseOnExec returns a pipe's read and write ends, both close-on-exec.
// pipe2(O_CLOEXEC) would do it in one call, but macOS has no pipe2: so
// pipe, then the flag, under syscall.ForkLock, which every fork in the
// program takes for writing, so that no child is forked in between with
// the fds still inheritable (os does the same on macOS).
func pipeCloseOnExec() ([2]int, error) {
	var fds [2]int
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	if err := unix.Pipe(fds[:]); err != nil {
		return fds, os.NewSyscallError("pipe", err)
	}
	unix.CloseOnExec(fds[0])
	unix.CloseOnExec(fds[1])
	return fds, nil
}

// closePipes closes the pipes made so far: a Start that failed.
func (p *Process) closePipes() {
	for _, pipe := range []*Pipe{p.Stdin, p.Stdout, p.Stderr} {
		if pipe != nil {
			pipe.abort(ErrClosed)
		}
	}
}

// OnRead makes the loop call fn with each chunk read from the pipe, then
// fn(nil, io.EOF) once the child has closed its end (or fn(nil, err) on an
// error); then the pipe closes itself. data is valid only during the call.
// The reader keeps the loop's Run going until then.
func (p *Pipe) OnRead(fn func(data []byte, err error)) {
	if err := p.usable("OnRead", false); err != nil {
		p.loop.ReportError(err)
		return
	}
	p.onRead = fn
	if p.buf == nil {
		p.buf = make([]byte, readSize)
	}
	if err := p.loop.AddReader(p.fd, p.readable); err != nil {
		p.abort(err)
	}
}

// readable is OnRead's loop waiter: one read per readiness.
func (p *Pipe) readable() {
	n, err := sock.Read(p.fd, p.buf)
	switch {
	case sock.WouldBlock(err):
		return // level-triggered: the loop asks again
	case err != nil:
		p.abort(os.NewSyscallError("read", err))
	case n == 0:
		p.abort(io.EOF)
	default:
		p.onRead(p.buf[:n], nil)
	}
}

// Write writes data to the child's stdin: what the pipe takes now at once,
// the rest as the child reads. done, if not nil, is called with nil once
// every byte is in the pipe, or with the error that stopped it (EPIPE: the
// child closed its stdin, or exited); with no done, an error goes to the
// loop's error handler. data is copied if it must wait.
func (p *Pipe) Write(data []byte, done func(error)) {
	if err := p.usable("Write", true); err != nil || p.closing {
		p.tell(done, cmp.Or(err, ErrClosed))
		return
	}
	if len(p.queue) == 0 {
		n, err := p.writeOnce(data)
		if err != nil {
			p.tell(done, err)
			return
		}
		if data = data[n:]; len(data) == 0 {
			p.tell(done, nil)
			return
		}
		if err := p.loop.AddWriter(p.fd, p.writable); err != nil {
			p.tell(done, err)
			return
		}
	}
	p.queue = append(p.queue, pending{data: append([]byte(nil), data...), done: done})
}

// writable is Write's loop waiter: it writes the queue in order, and goes
// once it is empty.
func (p *Pipe) writable() {
	for len(p.queue) > 0 {
		w := &p.queue[0]
		n, err := p.writeOnce(w.data)
		if err != nil {
			p.abort(err)
			return
		}
		if w.data = w.data[n:]; len(w.data) > 0 {
			return // the pipe is full: the loop calls again when it is not
		}
		p.queue = p.queue[1:]
		p.tell(w.done, nil)
	}
	p.loop.RemoveWriter(p.fd)
	if p.closing {
		p.abort(nil)
	}
}

// writeOnce is one write: EAGAIN is 0 bytes, not an error.
func (p *Pipe) writeOnce(data []byte) (int, error) {
	n, err := sock.Write(p.fd, data)
	switch {
	case sock.WouldBlock(err):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("process: writing to %s: %w", p.name, os.NewSyscallError("write", err))
	}
	return n, nil
}

// Close closes the pipe. For stdin that is the child's end of input (EOF),
// once what Write queued has gone. Close is idempotent.
func (p *Pipe) Close() error {
	if p.closed || p.closing {
		return nil
	}
	if len(p.queue) > 0 {
		p.closing = true
		return nil
	}
	p.abort(nil)
	return nil
}

// abort closes the pipe now: it removes its waiters, closes the fd, and
// tells each write still queued, and the reader, err (nil: the pipe was
// closed on purpose, and the reader hears nothing).
func (p *Pipe) abort(err error) {
	if p.closed {
		return
	}
	p.closed = true
	p.loop.RemoveReader(p.fd)
	p.loop.RemoveWriter(p.fd)
	unix.Close(p.fd)
	for _, w := range p.queue {
		p.tell(w.done, cmp.Or(err, ErrClosed))
	}
	p.queue = nil
	if p.onRead != nil && err != nil {
		p.onRead(nil, err)
	}
}

// tell calls done with err; with no done, an error goes to the loop's
// error handler rather than nowhere.
func (p *Pipe) tell(done func(error), err error) {
	switch {
	case done != nil:
		done(err)
	case err != nil:
		p.loop.ReportError(err)
	}
}

// usable returns why the pipe cannot do method, or nil.
func (p *Pipe) usable(method string, write bool) error {
	switch {
	case p.closed:
		return fmt.Errorf("process: %s.%s: %w", p.name, method, ErrClosed)
	case p.write != write && write:
		return fmt.Errorf("process: %s.%s: %s is read from, not written to", p.name, method, p.name)
	case p.write != write:
		return fmt.Errorf("process: %s.%s: %s is written to, not read from", p.name, method, p.name)
	}
	return nil
}

// Read parks the coroutine of ctx until the pipe has bytes to read, and
// reads them into b: the coroutine style of OnRead. It returns io.EOF once
// the child has closed its end.
func (p *Pipe) Read(ctx context.Context, b []byte) (int, error) {
	if err := p.usable("Read", false); err != nil {
		return 0, err
	}
	for {
		n, err := sock.Read(p.fd, b)
		switch {
		case sock.WouldBlock(err):
			if err := p.park(ctx, p.loop.AddReader, p.loop.RemoveReader); err != nil {
				return 0, err
			}
			continue
		case err != nil:
			return 0, fmt.Errorf("process: reading %s: %w", p.name, os.NewSyscallError("read", err))
		case n == 0 && len(b) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}

// WriteAll parks the coroutine of ctx until all of b is in the pipe: the
// coroutine style of Write.
func (p *Pipe) WriteAll(ctx context.Context, b []byte) error {
	if err := p.usable("WriteAll", true); err != nil {
		return err
	}
	for len(b) > 0 {
		n, err := p.writeOnce(b)
		if err != nil {
			return err
		}
		if b = b[n:]; len(b) > 0 && n == 0 {
			if err := p.park(ctx, p.loop.AddWriter, p.loop.RemoveWriter); err != nil {
				return err
			}
		}
	}
	return nil
}

// park waits, parked, until the loop finds the pipe ready: a loop waiter
// that sets an Event, and the coroutine waiting on it. It is the plainest
// wait a package beside coroutines can build from the public API; the
// coroutines package's own sockets keep their waiter between waits
// (conn_waiter.go), which saves two system calls per wait.
func (p *Pipe) park(ctx context.Context, add func(int, func()) error, remove func(int) bool) error {
	var ready coroutines.Event
	if err := add(p.fd, ready.Set); err != nil {
		return err
	}
	defer remove(p.fd)
	return ready.Wait(ctx)
}
