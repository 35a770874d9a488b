package sock

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"golang.org/x/sys/unix"
)

// ParseAddr parses "host:port" where host is an IP literal ("127.0.0.1",
// "[::1]"), "localhost" (127.0.0.1) or empty (every IPv4 address). Names are
// not looked up: a DNS lookup would be a blocking wait outside the loop.
func ParseAddr(addr string) (netip.AddrPort, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("address %q: %w", addr, err)
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("address %q: bad port %q", addr, portText)
	}
	var ip netip.Addr
	switch host {
	case "":
		ip = netip.IPv4Unspecified()
	case "localhost":
		ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	default:
		ip, err = netip.ParseAddr(host)
		if err != nil {
			return netip.AddrPort{}, fmt.Errorf("address %q: host must be an IP address or localhost (names are not looked up)", addr)
		}
	}
	return netip.AddrPortFrom(ip.Unmap(), uint16(port)), nil
}

// Sockaddr converts an address to the form the system calls take.
func Sockaddr(ap netip.AddrPort) unix.Sockaddr {
	if ap.Addr().Is4() {
		return &unix.SockaddrInet4{Port: int(ap.Port()), Addr: ap.Addr().As4()}
	}
	return &unix.SockaddrInet6{Port: int(ap.Port()), Addr: ap.Addr().As16(), ZoneId: zoneID(ap.Addr().Zone())}
}

func zoneID(zone string) uint32 {
	if zone == "" {
		return 0
	}
	if ifi, err := net.InterfaceByName(zone); err == nil {
		return uint32(ifi.Index)
	}
	return 0
}

// AddrPort converts an address from the system calls back; nil and unknown
// families give the zero AddrPort.
func AddrPort(sa unix.Sockaddr) netip.AddrPort {
	switch sa := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), uint16(sa.Port))
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(sa.Addr).Unmap(), uint16(sa.Port))
	}
	return netip.AddrPort{}
}

// TCPAddr and UDPAddr give an address as the net.Addr that net.Conn's
// LocalAddr and RemoteAddr return. (Only the address types of package net are
// used: none of its I/O.)
func TCPAddr(ap netip.AddrPort) *net.TCPAddr { return net.TCPAddrFromAddrPort(ap) }

// UDPAddr: see TCPAddr.
func UDPAddr(ap netip.AddrPort) *net.UDPAddr { return net.UDPAddrFromAddrPort(ap) }

// LocalAddr returns the address fd is bound to.
func LocalAddr(fd int) netip.AddrPort {
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return netip.AddrPort{}
	}
	return AddrPort(sa)
}

// RemoteAddr returns the address of fd's peer.
func RemoteAddr(fd int) netip.AddrPort {
	sa, err := unix.Getpeername(fd)
	if err != nil {
		return netip.AddrPort{}
	}
	return AddrPort(sa)
}

func family(ap netip.AddrPort) int {
	if ap.Addr().Is4() {
		return unix.AF_INET
	}
	return unix.AF_INET6
}

// Connected reports whether fd's socket has a peer: getpeername fails with
// ENOTCONN while a TCP handshake goes on. It works for Unix-domain sockets
// too, whose peer has no AddrPort (RemoteAddr returns the zero one).
func Connected(fd int) bool {
	_, err := unix.Getpeername(fd)
	return err == nil
}
