package minico

import (
	"fmt"
	"io"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
)

// The blocking calls. Each one is the same retry loop: try the operation;
// if it would block, give the loop a waiter that wakes the coroutine
// (co.wakeFunc), park, take the waiter back, and try again. A wake-up for
// nothing is harmless: the operation is simply tried again.

// Sleep parks the coroutine for d on the loop's clock: a loop timer wakes
// it, so the loop's one poll is the only place anything waits, and a fake
// clock moves it. It returns ErrKilled if the coroutine is killed first.
func (co *Coroutine) Sleep(d time.Duration) error {
	timer := co.hub.loop.CallLater(d, co.wakeFunc)
	err := co.park("Sleep")
	timer.Cancel() // killed: the timer must not wake a later park
	return err
}

// Read reads up to len(p) bytes from fd, a non-blocking socket, parking
// the coroutine while nothing is there. It returns (n, nil) with data,
// (0, io.EOF) at the peer's orderly close, or the error.
func (co *Coroutine) Read(fd int, p []byte) (int, error) {
	for {
		n, err := sock.Read(fd, p)
		switch {
		case err == nil && n == 0 && len(p) > 0:
			return 0, io.EOF
		case !sock.WouldBlock(err):
			return n, err
		}
		if err := co.waitFor(fd, false); err != nil {
			return 0, err
		}
	}
}

// Write writes all of p to fd, parking the coroutine whenever the socket's
// send buffer is full. It returns len(p), or the bytes written and the
// error that stopped it.
func (co *Coroutine) Write(fd int, p []byte) (int, error) {
	written := 0
	for written < len(p) {
		n, err := sock.Write(fd, p[written:])
		written += n
		switch {
		case err == nil:
			continue // a short write: try the rest
		case !sock.WouldBlock(err):
			return written, err
		}
		if err := co.waitFor(fd, true); err != nil {
			return written, err
		}
	}
	return written, nil
}

// Accept takes the next connection of a listening socket, parking the
// coroutine while none is waiting.
func (co *Coroutine) Accept(ln int) (int, error) {
	for {
		fd, _, err := sock.Accept(ln)
		if !sock.WouldBlock(err) {
			return fd, err
		}
		if err := co.waitFor(ln, false); err != nil {
			return -1, err
		}
	}
}

// Dial connects to addr ("127.0.0.1:8080"), parking the coroutine until
// the connection is made, and returns the connected non-blocking socket.
func (co *Coroutine) Dial(addr string) (int, error) {
	fd, err := sock.Connect(addr)
	if err != nil {
		return -1, err
	}
	// A non-blocking connect is finished when the fd is writable; its
	// outcome is then in SO_ERROR (sock.ConnectResult).
	if err := co.waitFor(fd, true); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if err := sock.ConnectResult(fd, addr); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// waitFor parks the coroutine until fd is readable (or writable), with a
// loop waiter that wakes it, removed again whatever ended the park.
func (co *Coroutine) waitFor(fd int, write bool) error {
	l := co.hub.loop
	add, remove, what := l.AddReader, l.RemoveReader, "read"
	if write {
		add, remove, what = l.AddWriter, l.RemoveWriter, "write"
	}
	if err := add(fd, co.wakeFunc); err != nil {
		return err
	}
	err := co.park(fmt.Sprintf("%s fd %d", what, fd))
	remove(fd)
	return err
}
