package coroutines

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// A Listener is a listening socket for coroutines, TCP or Unix-domain:
// Accept parks the calling coroutine until a connection comes. Like a Conn
// it belongs to the loop; NetListener gives other goroutines (net/http's,
// for one) a net.Listener over it.
type Listener struct {
	// Set by Listen, then read-only.
	loop  *loop.Loop
	fd    int
	bound sock.Endpoint // its address and port, or its socket file

	// Owned by the loop goroutine and the coroutine it runs.
	acceptor fdWaiter
	closed   bool
}

// Listen opens a TCP socket listening on addr ("127.0.0.1:8080"; port 0
// picks a free port, which Addr tells), or a Unix-domain socket on a path
// ("unix:/tmp/chat.sock", which Path tells). The host must be an IP address
// or "localhost": names are not looked up, since a DNS lookup would block
// outside the loop. An address already in use is an error that says so. A
// path's stale socket file, left by a server that did not close, is
// removed; a file there that is not a socket, or a socket a server answers
// on, is an error.
//
// Listen makes the socket and nothing else, so any goroutine may call it;
// the Listener's methods then belong to the loop. opts change how the
// socket is opened (ReusePort).
func Listen(h *Hub, addr string, opts ...ListenOption) (*Listener, error) {
	var socketOpts []sock.ListenOption
	for _, o := range opts {
		socketOpts = append(socketOpts, o.sock)
	}
	fd, bound, err := sock.ListenStream(addr, socketOpts...)
	if err != nil {
		return nil, fmt.Errorf("coroutines: %w", err)
	}
	ln := &Listener{loop: h.Loop(), fd: fd, bound: bound}
	ln.acceptor.init(ln.loop, fd, false, "Listener.Accept", "accepting on")
	return ln, nil
}

// A ListenOption changes how Listen (and NewStreamServer, for which it is
// also a ServerOption) opens its socket.
type ListenOption struct{ sock sock.ListenOption }

// ReusePort(true) opens the socket with SO_REUSEPORT: several listeners,
// one per loop, each loop on its own OS thread, may listen on the same
// port, and the kernel spreads new connections among them (n connections
// on m loops). ReusePort(false) is the default; it exists so that a caller
// can pass a choice made at run time.
func ReusePort(on bool) ListenOption { return ListenOption{sock.ReusePort(on)} }

// Accept returns the next connection, parking the coroutine of ctx until
// one comes. A cancelled ctx or Close ends the wait with an error. The
// listener's waiter, like a Conn's reader, stays registered while a
// coroutine keeps coming back to accept, so a server accepting in a loop
// costs no epoll_ctl for the listener, only one for each new Conn's first
// wait.
func (ln *Listener) Accept(ctx context.Context) (*Conn, error) {
	co, err := current(ctx)
	if err != nil {
		return nil, ln.opError(err)
	}
	for {
		if err := ln.acceptor.check(); err != nil {
			return nil, ln.opError(err)
		}
		c, err := ln.acceptOnce()
		if !sock.WouldBlock(err) {
			return c, ln.opError(err)
		}
		if err := ln.acceptor.wait(ctx, co); err != nil {
			return nil, ln.opError(err)
		}
	}
}

// acceptOnce makes one accept system call: a new Conn, unix.EAGAIN when no
// connection waits, or the system call's error (EMFILE: out of fds). Both
// modes accept through it.
func (ln *Listener) acceptOnce() (*Conn, error) {
	fd, remote, err := sock.Accept(ln.fd)
	if err != nil {
		return nil, err
	}
	return newConn(ln.loop, fd, remote), nil
}

// Close stops listening. A coroutine parked in Accept is woken and returns
// an error that wraps net.ErrClosed. Connections already accepted stay open.
// A Unix-domain listener removes its socket file, unless another server has
// since put its own at that path.
func (ln *Listener) Close() error {
	if ln.closed {
		return ln.closeError(net.ErrClosed)
	}
	ln.closed = true
	ln.acceptor.close() // leave the loop before the fd number can be reused
	if err := sock.CloseListener(ln.fd, ln.bound); err != nil {
		return ln.closeError(err)
	}
	return nil
}

// Addr returns the address the listener is bound to. A Unix-domain listener
// has no address and port: its Addr is the zero AddrPort, and Path tells
// where it listens.
func (ln *Listener) Addr() netip.AddrPort { return ln.bound.AddrPort }

// Path returns the path of a Unix-domain listener's socket file, or "" for
// a TCP listener.
func (ln *Listener) Path() string { return ln.bound.Path }

// opError dresses an Accept error as package net does (see Conn.opError).
func (ln *Listener) opError(err error) error {
	if err == nil {
		return nil
	}
	if errno, ok := err.(unix.Errno); ok {
		err = os.NewSyscallError("accept", errno)
	}
	return &net.OpError{Op: "accept", Net: ln.bound.Network(), Addr: ln.bound.NetAddr(), Err: err}
}

func (ln *Listener) closeError(err error) error {
	return &net.OpError{Op: "close", Net: ln.bound.Network(), Addr: ln.bound.NetAddr(), Err: err}
}
