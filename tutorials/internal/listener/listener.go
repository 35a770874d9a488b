// Package listener is the blocking TCP listener of tutorial steps 01 and
// 02: a listening socket on a raw fd whose Accept waits inside accept(2),
// the way servers were written before event loops. It is not the lesson of
// either step (the step's README shows it, the exercise does not touch
// it), so it lives here once.
//
// The one subtle part is stopping. A thread blocked in accept(2) is not
// woken when another thread closes the fd: on Linux the call keeps waiting
// on the file it already holds, and the number may meanwhile be reused by
// another file. So Close does not close the fd while an Accept runs; it
// wakes the Accept (shutdown(2) on Linux, a connection to itself
// elsewhere), and the last Accept to leave closes the fd.
package listener

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
)

// ErrClosed is returned by Accept once Close was called.
var ErrClosed = errors.New("listener: closed")

// A Listener is a blocking TCP listening socket. Accept may be called from
// any goroutine, Close from any other.
type Listener struct {
	fd   int
	addr netip.AddrPort

	mu        sync.Mutex // guards the fields below
	accepting int        // Accept calls inside accept(2)
	closed    bool       // Close was called
	fdClosed  bool       // the fd itself is closed
}

// Listen listens on addr ("127.0.0.1:7001"; port 0 picks a free port).
// An address in use is an error that names it.
func Listen(addr string) (*Listener, error) {
	fd, ap, err := sock.Listen(addr)
	if err != nil {
		return nil, err
	}
	// sock makes non-blocking sockets, for the loop. Here every call is
	// meant to block.
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, os.NewSyscallError("fcntl", err)
	}
	return &Listener{fd: fd, addr: ap}, nil
}

// Addr returns the address the listener is bound to.
func (l *Listener) Addr() netip.AddrPort { return l.addr }

// Accept waits for a connection and returns its fd, blocking, close-on-exec.
// After Close it returns ErrClosed.
func (l *Listener) Accept() (int, error) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return -1, ErrClosed
	}
	l.accepting++
	l.mu.Unlock()

	fd, err := l.accept()

	l.mu.Lock()
	l.accepting--
	closed := l.closed
	l.closeFDIfIdle()
	l.mu.Unlock()
	if closed {
		if err == nil {
			unix.Close(fd) // the connection Close made to wake us, or a late client
		}
		return -1, ErrClosed
	}
	return fd, err
}

// accept is accept(2), retried when a signal interrupts it or a client gave
// up while queued.
func (l *Listener) accept() (int, error) {
	for {
		fd, _, err := unix.Accept(l.fd)
		switch {
		case err == unix.EINTR || err == unix.ECONNABORTED:
			continue
		case err != nil:
			return -1, os.NewSyscallError("accept", err)
		}
		unix.CloseOnExec(fd)
		// On BSD and macOS an accepted socket inherits the listener's
		// flags; make sure this one blocks.
		if err := unix.SetNonblock(fd, false); err != nil {
			unix.Close(fd)
			return -1, os.NewSyscallError("fcntl", err)
		}
		return fd, nil
	}
}

// Close stops the listener: Accept calls in progress and later return
// ErrClosed. Connections already accepted are the caller's.
func (l *Listener) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return fmt.Errorf("listener: Close: %w", ErrClosed)
	}
	l.closed = true
	busy := l.accepting > 0
	l.closeFDIfIdle()
	l.mu.Unlock()
	if busy {
		l.wake()
	}
	return nil
}

// closeFDIfIdle closes the fd once Close was called and no Accept is inside
// accept(2). Called with mu held.
func (l *Listener) closeFDIfIdle() {
	if l.closed && l.accepting == 0 && !l.fdClosed {
		unix.Close(l.fd)
		l.fdClosed = true
	}
}

// wake makes a blocked accept(2) return. On Linux, shutdown(2) of a
// listening socket does it; macOS and the BSDs refuse that (ENOTCONN), so
// a connection to the listener's own address does it there. Both are
// tried: whichever works is enough.
func (l *Listener) wake() {
	unix.Shutdown(l.fd, unix.SHUT_RDWR)
	addr := l.addr
	if addr.Addr().IsUnspecified() {
		addr = netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), addr.Port())
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if addr.Addr().Is6() {
		fd, err = unix.Socket(unix.AF_INET6, unix.SOCK_STREAM, 0)
	}
	if err != nil {
		return
	}
	unix.Connect(fd, sock.Sockaddr(addr)) // refused once the listener is shut down: fine
	unix.Close(fd)
}
