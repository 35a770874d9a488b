package callbacks

import (
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
)

// Dial connects to addr ("127.0.0.1:8080", "[::1]:8080", "localhost:8080",
// or a Unix-domain socket's path, "unix:/tmp/chat.sock") without blocking,
// and calls fn from the loop with the connection, or with the error that
// kept it from being made: a refused connection wraps unix.ECONNREFUSED
// and names the address. Host names other than localhost are refused:
// looking one up would block the loop. DialHost looks them up on a thread
// pool.
//
// A panic in fn aborts the connection it was given (the loop reports the
// panic), as a panic in Listen's onAccept does.
func Dial(l *loop.Loop, addr string, fn func(*Conn, error)) {
	fd, err := sock.Connect(addr)
	if err != nil {
		dialFailed(l, fn, err)
		return
	}
	d := &dialer{loop: l, fd: fd, addr: addr, fn: fn}
	if err := l.AddWriter(fd, d.connected); err != nil {
		unix.Close(fd)
		dialFailed(l, fn, fmt.Errorf("dial %s: %w", addr, err))
	}
}

// dialFailed calls fn with err from the loop, as any other outcome.
func dialFailed(l *loop.Loop, fn func(*Conn, error), err error) {
	l.CallSoon(func() { fn(nil, fmt.Errorf("callbacks: %w", err)) })
}

// A dialer waits for one non-blocking connect to finish.
type dialer struct {
	loop *loop.Loop
	fd   int
	addr string
	fn   func(*Conn, error)
}

// connected is the writer of the connecting fd. The sequence: connect(2)
// on a non-blocking socket returns EINPROGRESS at once; the kernel makes the
// connection in the background; the fd becomes writable when it is made or
// has failed; and SO_ERROR then says which (sock.ConnectResult). Writable
// alone proves nothing: a refused connect is writable too. (A Unix-domain
// connect is done within the call, and its fd is writable at once.)
func (d *dialer) connected() {
	d.loop.RemoveWriter(d.fd) // before the fd is closed or handed on
	if err := sock.ConnectResult(d.fd, d.addr); err != nil {
		unix.Close(d.fd)
		d.fn(nil, fmt.Errorf("callbacks: %w", err))
		return
	}
	c := newConn(d.loop, d.fd, sock.RemoteAddr(d.fd)) // the zero AddrPort for a Unix-domain socket
	ok := false
	defer func() {
		if !ok {
			c.Abort()
		}
	}()
	d.fn(c, nil)
	ok = true
}
