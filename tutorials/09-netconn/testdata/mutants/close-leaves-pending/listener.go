package netconn

import (
	"net"
	"sync"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
)

// A Listener is a TCP listening socket on a loop, as a net.Listener: any
// goroutine may Accept, and Close wakes it. It holds the loop until it is
// closed, and so does each Conn it returns.
type Listener struct {
	s    *socket
	addr net.Addr

	acceptMu sync.Mutex // one Accept at a time
}

var _ net.Listener = (*Listener)(nil)

// Listen listens on addr ("127.0.0.1:7009"; port 0 picks one) on l. Call
// it before l runs, or from any goroutine while it does.
func Listen(l *loop.Loop, addr string) (*Listener, error) {
	fd, bound, err := sock.Listen(addr)
	if err != nil {
		return nil, err
	}
	return &Listener{s: newSocket(l, fd), addr: sock.TCPAddr(bound)}, nil
}

// Accept waits (in the loop) for the next connection and returns it.
func (ln *Listener) Accept() (net.Conn, error) {
	ln.acceptMu.Lock()
	defer ln.acceptMu.Unlock()
	var c *Conn
	err := ln.s.call(&ln.s.read, newRequest(func() error {
		fd, _, err := sock.Accept(ln.s.fd)
		if err == nil {
			c = newConn(newSocket(ln.s.loop, fd)) // on the loop: Hold is counted before the listener can let go
		}
		return err
	}))
	if err != nil {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Addr: ln.addr, Err: err}
	}
	return c, nil
}

// Close stops listening; a waiting Accept returns an error wrapping
// net.ErrClosed.
func (ln *Listener) Close() error {
	if err := ln.s.closeSocket(); err != nil {
		return &net.OpError{Op: "close", Net: "tcp", Addr: ln.addr, Err: err}
	}
	return nil
}

// Addr returns the address the listener is bound to.
func (ln *Listener) Addr() net.Addr { return ln.addr }
