package callbacks

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/threadpool"
)

// DialHost connects to addr as Dial does, but its host may be a name
// ("localhost:8080", "example.com:80"): the name is looked up on a worker of
// p (threadpool.Pool.LookupHost), so the loop goes on meanwhile, and the
// addresses found are dialed one after the other until one connects. fn is
// called from p's loop with the connection, or with the error of the first
// address tried (a refusal wraps unix.ECONNREFUSED), or with the lookup's.
// An IP address is dialed without a worker.
//
// The addresses are tried in turn, as net.Dial does without its "happy
// eyeballs" race: a server on 127.0.0.1 alone is reached through
// localhost even where ::1 comes first and is refused.
func DialHost(p *threadpool.Pool, addr string, fn func(*Conn, error)) {
	l := p.Loop()
	host, port, err := net.SplitHostPort(addr) // a string function: no socket of net's
	if err != nil {
		dialFailed(l, fn, fmt.Errorf("dial tcp %s: %w", addr, err))
		return
	}
	p.LookupHost(host, func(ips []netip.Addr, err error) {
		if err != nil {
			fn(nil, fmt.Errorf("callbacks: dial tcp %s: %w", addr, err))
			return
		}
		dialInTurn(l, ips, port, nil, fn)
	})
}

// dialInTurn dials the first of ips; if that fails, the rest, in turn. fn
// gets the first connection made, or the first error.
func dialInTurn(l *loop.Loop, ips []netip.Addr, port string, first error, fn func(*Conn, error)) {
	Dial(l, net.JoinHostPort(ips[0].String(), port), func(c *Conn, err error) {
		if err == nil {
			fn(c, nil)
			return
		}
		if first == nil {
			first = err
		}
		if len(ips) == 1 {
			fn(nil, first)
			return
		}
		dialInTurn(l, ips[1:], port, first, fn)
	})
}
