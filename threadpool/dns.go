package threadpool

import (
	"context"
	"fmt"
	"net"
	"net/netip"
)

// LookupHost looks host up on a worker ("localhost", "example.com"), then
// calls fn on the loop with its addresses, in the order the resolver gave
// them, at least one, or with the error that kept it from finding any. An
// IP address is its own answer, without a worker. Loop goroutine only.
//
// This is the kit's one use of package net outside tests and the baselines
// it compares itself with, and the reason is the pool's reason for being:
// a name lookup is blocking work. Go has no getaddrinfo without cgo; its
// resolver reads /etc/hosts and asks the DNS servers of /etc/resolv.conf,
// waiting in Go's own netpoller. On a worker that wait blocks only the
// worker, as getaddrinfo blocks a thread of libuv's pool (uv_getaddrinfo)
// or of asyncio's executor (loop.getaddrinfo). A resolver that spoke DNS
// over the loop's own UDP sockets, as c-ares does for some programs and
// gevent's "ares" resolver does, would need no worker; it would also have to
// read /etc/hosts, nsswitch.conf and resolv.conf as getaddrinfo does, a
// chapter of its own.
func (p *Pool) LookupHost(host string, fn func([]netip.Addr, error)) {
	if ip, err := netip.ParseAddr(host); err == nil {
		p.loop.CallSoon(func() { fn([]netip.Addr{ip}, nil) })
		return
	}
	var addrs []netip.Addr
	p.submitOrFail(func() (err error) {
		addrs, err = net.DefaultResolver.LookupNetIP(context.Background(), "ip", host)
		if err == nil && len(addrs) == 0 {
			err = fmt.Errorf("lookup %s: no address found", host)
		}
		if err != nil {
			err = fmt.Errorf("threadpool: %w", err)
		}
		return err
	}, func(err error) { fn(unmapped(addrs), err) })
}

// unmapped turns IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) back into
// IPv4 ones, which is how the kit's sockets want them.
func unmapped(addrs []netip.Addr) []netip.Addr {
	for i, a := range addrs {
		addrs[i] = a.Unmap()
	}
	return addrs
}
