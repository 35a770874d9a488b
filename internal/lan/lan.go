// Package lan finds where the other machines of a room reach a server of
// this one, so that a server listening beyond loopback ("-addr
// 0.0.0.0:7008") can print addresses a teacher projects and a student
// types. "0.0.0.0" is not one of them: it means "every address of this
// machine", and only this machine can connect to it.
//
// The tutorials' steps (package step) and the commands of loopkit use it;
// it is a tool's helper, not kit code, and uses Go's net.
package lan

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/loopkit/loopkit/internal/sock"
)

// Addrs returns the addresses ("192.168.1.20:7008") at which other
// machines reach a server listening on listening, as the server's
// listener reports it ("0.0.0.0:7008", "[::]:7008", "10.0.0.5:7008"):
// for an unspecified host, the addresses of this machine's network
// interfaces; for another host, that host; for loopback, and for a Unix
// socket's path ("unix:/tmp/chat.sock"), none. It lists the interfaces
// once per call.
func Addrs(listening string) ([]string, error) {
	if _, ok := sock.UnixPath(listening); ok {
		return nil, nil // a socket file is reached from this machine only
	}
	ap, err := netip.ParseAddrPort(listening)
	if err != nil {
		return nil, fmt.Errorf("lan: %w", err)
	}
	if !ap.Addr().IsUnspecified() {
		return reachable(ap, []netip.Addr{ap.Addr()}), nil
	}
	ifaces, err := net.InterfaceAddrs()
	if err != nil {
		return nil, fmt.Errorf("lan: listing this machine's addresses: %w", err)
	}
	var ips []netip.Addr
	for _, a := range ifaces {
		if ipnet, ok := a.(*net.IPNet); ok {
			if ip, ok := netip.AddrFromSlice(ipnet.IP); ok {
				ips = append(ips, ip.Unmap())
			}
		}
	}
	return reachable(ap, ips), nil
}

// reachable returns, with the port of listening, the addresses of ips
// that another machine can use to reach a server listening there. Loopback
// and link-local addresses are left out: no other machine of the room can
// use them. So are IPv6 addresses when there are IPv4 ones, which is what
// a room types. [::] listens on both, and is what Go's net.Listen
// reports for 0.0.0.0.
func reachable(listening netip.AddrPort, ips []netip.Addr) []string {
	var v4, v6 []string
	for _, ip := range ips {
		if ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() {
			continue
		}
		addr := netip.AddrPortFrom(ip, listening.Port()).String()
		if ip.Is4() {
			v4 = append(v4, addr)
		} else {
			v6 = append(v6, addr)
		}
	}
	if len(v4) > 0 || listening.Addr().Is4() {
		return v4
	}
	return v6
}
