package chat

import (
	"net"
	"net/netip"
)

// from is what the room says a user joined from: their IP address, or, for
// a Unix-domain socket, which has no address, "this machine" (only a
// program on the machine that holds the socket file can connect to it).
func from(peer netip.AddrPort) string {
	if !peer.IsValid() {
		return "this machine"
	}
	return peer.Addr().String()
}

// who names a user's connection in the chat's reports of errors: the
// peer's address and port, or, for a Unix-domain socket, what it is.
func who(peer netip.AddrPort) string {
	if !peer.IsValid() {
		return "a user of the Unix socket"
	}
	return peer.String()
}

// netPeer gives the goroutines style's peer, a net.Addr of Go's net, as
// the loop styles have it: a TCP peer's address and port, or the zero
// AddrPort for a Unix-domain one.
func netPeer(a net.Addr) netip.AddrPort {
	tcp, ok := a.(*net.TCPAddr)
	if !ok {
		return netip.AddrPort{}
	}
	ap := tcp.AddrPort()
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}
