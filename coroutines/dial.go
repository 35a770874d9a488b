package coroutines

import (
	"context"
	"fmt"
	"net"
	"net/netip"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/threadpool"
)

// Dial connects to addr ("127.0.0.1:8080"; an IP address or "localhost",
// since names are not looked up: DialHost looks them up on a thread pool;
// or a Unix-domain socket's path, "unix:/tmp/chat.sock") and returns the
// connection, parking the coroutine of ctx while the connection is made. A
// refused connection is an error that wraps syscall.ECONNREFUSED; a
// cancelled ctx (WithTimeout, say) abandons the attempt and closes its
// socket.
//
// The connect is non-blocking, in three steps (connect(2), "EINPROGRESS"):
//  1. connect returns at once, with EINPROGRESS, while the kernel sends the
//     SYN (sock.Connect);
//  2. the socket becomes writable when the handshake ends, well or badly:
//     park on its writer waiter until then;
//  3. read the outcome from SO_ERROR (sock.ConnectResult), since the connect
//     call itself returned before it was known.
//
// A Unix-domain connect is done (or refused) within step 1, and its socket
// is writable at once: the same three steps take it without a wait.
func Dial(ctx context.Context, addr string) (*Conn, error) {
	co, err := current(ctx)
	if err != nil {
		return nil, fmt.Errorf("coroutines: dial tcp %s: %w", addr, err)
	}
	fd, err := sock.Connect(addr)
	if err != nil {
		return nil, fmt.Errorf("coroutines: %w", err)
	}
	c := newConn(co.hub.loop, fd, netip.AddrPort{})
	if err := c.awaitConnect(ctx, co, addr); err != nil {
		c.Close()
		return nil, err
	}
	c.local, c.remote = sock.LocalAddr(fd), sock.RemoteAddr(fd)
	return c, nil
}

// DialHost connects to addr as Dial does, but its host may be a name
// ("localhost:8080"): the name is looked up on a worker of p
// (threadpool.Pool.LookupHost) while the coroutine of ctx is parked, and
// the addresses found are dialed in turn until one connects. The error is
// the first address's, or the lookup's. A lookup cannot be stopped: if ctx
// is done first, DialHost returns at once, and the lookup's answer, when
// it comes, is dropped.
func DialHost(ctx context.Context, p *threadpool.Pool, addr string) (*Conn, error) {
	if _, err := current(ctx); err != nil {
		return nil, fmt.Errorf("coroutines: dial tcp %s: %w", addr, err)
	}
	host, port, err := net.SplitHostPort(addr) // a string function: no socket of net's
	if err != nil {
		return nil, fmt.Errorf("coroutines: dial tcp %s: %w", addr, err)
	}
	var found AsyncResult[[]netip.Addr]
	p.LookupHost(host, func(ips []netip.Addr, err error) {
		if err != nil {
			found.SetError(err)
			return
		}
		found.Set(ips)
	})
	ips, err := found.Get(ctx)
	if err != nil {
		return nil, fmt.Errorf("coroutines: dial tcp %s: %w", addr, err)
	}
	var first error
	for _, ip := range ips {
		c, err := Dial(ctx, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return c, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// awaitConnect parks until the connect started on c's fd has ended, and
// returns its outcome. The check comes first, as a loopback connect may
// already be done; and it comes again after every wake, as only a socket
// that has a peer is connected (getpeername fails with ENOTCONN while the
// handshake goes on).
func (c *Conn) awaitConnect(ctx context.Context, co *Coroutine, addr string) error {
	for {
		if err := sock.ConnectResult(c.fd, addr); err != nil {
			return fmt.Errorf("coroutines: %w", err)
		}
		if sock.Connected(c.fd) {
			return nil
		}
		if err := c.writer.wait(ctx, co); err != nil {
			return fmt.Errorf("coroutines: dial tcp %s: %w", addr, err)
		}
	}
}

// DialNet connects to addr for an ordinary goroutine, not a coroutine, and
// returns the connection as a net.Conn in goroutine mode (see netconn.go):
// the counterpart of net.Dial for code that runs outside the loop, such as
// an http.Transport's DialContext. The connect is made by a coroutine that
// DialNet spawns on h, so it waits in the loop's poll like any other;
// cancelling ctx kills that coroutine, which abandons the attempt and
// closes its socket. Any goroutine may call DialNet, while the loop runs;
// the connection holds the loop until it is closed.
func DialNet(ctx context.Context, h *Hub, addr string) (net.Conn, error) {
	type result struct {
		c   net.Conn
		err error
	}
	done := make(chan result, 1)
	spawned := make(chan *Coroutine, 1)
	err := h.Loop().CallSoonThreadSafe(func() {
		var r result
		co := h.Spawn(func(ctx context.Context) error {
			c, err := Dial(ctx, addr)
			if err != nil {
				r.err = err // for DialNet's caller, not the loop's error handler
				return nil
			}
			r.c = c.NetConn()
			return nil
		})
		// Link runs however the coroutine ends, even killed before it
		// started or never started (a closed hub): the caller always hears.
		co.Link(func(co *Coroutine) {
			if r.c == nil && r.err == nil {
				r.err = co.Err()
			}
			done <- r
		})
		spawned <- co
	})
	if err != nil {
		return nil, fmt.Errorf("coroutines: DialNet %s: %w", addr, err)
	}
	co := <-spawned
	stop := context.AfterFunc(ctx, func() { h.Loop().CallSoonThreadSafe(co.Kill) })
	defer stop()
	r := <-done
	if r.err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("coroutines: DialNet %s: %w", addr, context.Cause(ctx))
	}
	return r.c, r.err
}
