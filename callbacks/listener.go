package callbacks

import (
	"fmt"
	"net/netip"
	"os"
	"time"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// A Listener accepts connections on a loop, TCP or Unix-domain, and hands
// each to its accept callback.
type Listener struct {
	// Set by Listen, then read-only.
	loop       *loop.Loop
	fd         int
	bound      sock.Endpoint // its address and port, or its socket file
	onAccept   func(*Conn)
	readableFn func() // ln.acceptReady, made once
	resumeFn   func() // ln.resume, made once

	// Owned by the loop goroutine.
	retry  *timers.Timer // set while accepting is paused after an error
	closed bool
}

// acceptBatch is how many connections one readiness event of a listener may
// accept. The rest of the backlog waits for the next iteration, so that a
// flood of connections cannot keep the loop from serving the ones it has.
const acceptBatch = 64

// acceptRetryDelay is how long accepting pauses after accept fails with
// anything but "nothing to accept" (EMFILE, out of fds, being the usual).
// The listener stays readable while connections wait in its backlog: without
// a pause, the loop would spin on the failing accept. Go's net sleeps so
// too; libuv keeps a spare fd to close, accept and drop the connection.
const acceptRetryDelay = 100 * time.Millisecond

// Listen listens for TCP connections on addr ("127.0.0.1:8080", "[::1]:0",
// ":0"; port 0 picks a free port, see Addr), or for Unix-domain ones on a
// path ("unix:/tmp/chat.sock", see Path), and calls onAccept, from the
// loop, with each new connection. onAccept typically sets the connection's
// callbacks (OnRead, OnClose); until then the connection reads nothing. A
// panic in onAccept aborts the connection it was given (the loop reports
// the panic), so that no half-served connection stays open. opts change how
// the socket is opened (ReusePort).
//
// An address in use is an error that names it. A path's stale socket file,
// left by a server that did not close, is removed; a file there that is not
// a socket, or a socket a server answers on, is an error. An accept that
// fails (EMFILE when the process is out of fds) is reported to the loop's
// error handler and accepting pauses for acceptRetryDelay.
func Listen(l *loop.Loop, addr string, onAccept func(*Conn), opts ...ListenOption) (*Listener, error) {
	if onAccept == nil {
		return nil, fmt.Errorf("callbacks: Listen(%q): nil accept callback", addr)
	}
	fd, bound, err := sock.ListenStream(addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("callbacks: %w", err)
	}
	ln := &Listener{loop: l, fd: fd, bound: bound, onAccept: onAccept}
	ln.readableFn = ln.acceptReady
	ln.resumeFn = ln.resume
	if err := l.AddReader(fd, ln.readableFn); err != nil {
		sock.CloseListener(fd, bound)
		return nil, fmt.Errorf("callbacks: listening on %s: %w", bound, err)
	}
	return ln, nil
}

// A ListenOption changes how Listen (and protocol.Serve) opens its socket. It is
// the same type in every front end.
type ListenOption = sock.ListenOption

// ReusePort(true) opens the socket with SO_REUSEPORT: several listeners,
// one per loop, each loop on its own OS thread, may listen on the same
// port, and the kernel spreads new connections among them (n connections
// on m loops). ReusePort(false) is the default; it exists so that a caller
// can pass a choice made at run time.
func ReusePort(on bool) ListenOption { return sock.ReusePort(on) }

// Addr returns the address the listener is bound to, with the port the
// kernel chose for port 0. A Unix-domain listener has no address and port:
// its Addr is the zero AddrPort, and Path tells where it listens.
func (ln *Listener) Addr() netip.AddrPort { return ln.bound.AddrPort }

// Path returns the path of a Unix-domain listener's socket file, or "" for
// a TCP listener.
func (ln *Listener) Path() string { return ln.bound.Path }

// Close stops listening. Connections already accepted stay open (as Node's
// server.close): close them yourself, or use package protocol, whose
// Server.Close closes them too. A Unix-domain listener removes its socket
// file, unless another server has since put its own at that path. Close
// after Close returns ErrClosed.
func (ln *Listener) Close() error {
	if ln.closed {
		return fmt.Errorf("callbacks: closing the listener on %s: %w", ln.bound, ErrClosed)
	}
	ln.closed = true
	if ln.retry != nil {
		ln.retry.Cancel()
		ln.retry = nil
	} else {
		ln.loop.RemoveReader(ln.fd) // before the close: see Conn.teardown
	}
	if err := sock.CloseListener(ln.fd, ln.bound); err != nil {
		return fmt.Errorf("callbacks: closing the listener on %s: %w", ln.bound, err)
	}
	return nil
}

// acceptReady is the loop's reader of the listening fd. It accepts up to
// acceptBatch connections, handing each to onAccept, and stops early when
// the backlog is empty, when accept fails, or when onAccept closed the
// listener.
func (ln *Listener) acceptReady() {
	for range acceptBatch {
		fd, remote, err := sock.Accept(ln.fd)
		if err != nil {
			if !sock.WouldBlock(err) {
				ln.acceptFailed(err)
			}
			return
		}
		ln.handOver(newConn(ln.loop, fd, remote))
		if ln.closed {
			return
		}
	}
}

// handOver gives c to onAccept. If onAccept panics, the panic goes on to the
// loop, which reports it, and the deferred check aborts c first: nothing
// else would ever close it.
func (ln *Listener) handOver(c *Conn) {
	ok := false
	defer func() {
		if !ok {
			c.Abort()
		}
	}()
	ln.onAccept(c)
	ok = true
}

// acceptFailed reports err and pauses accepting for acceptRetryDelay.
func (ln *Listener) acceptFailed(err error) {
	ln.loop.ReportError(fmt.Errorf("callbacks: accept on %s: %w (accepting again in %v)",
		ln.bound, os.NewSyscallError("accept", err), acceptRetryDelay))
	ln.loop.RemoveReader(ln.fd)
	ln.retry = ln.loop.CallLater(acceptRetryDelay, ln.resumeFn)
}

// resume starts accepting again after a pause.
func (ln *Listener) resume() {
	ln.retry = nil
	if err := ln.loop.AddReader(ln.fd, ln.readableFn); err != nil {
		ln.loop.ReportError(fmt.Errorf("callbacks: listener on %s: %w", ln.bound, err))
	}
}
