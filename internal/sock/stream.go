package sock

import (
	"net"
	"net/netip"
)

// An Endpoint is where a stream listener is bound: an IP address and port
// (TCP), or a socket file (a Unix-domain socket, which has no address and
// port). Exactly one of the two is set.
type Endpoint struct {
	AddrPort netip.AddrPort // TCP; the zero AddrPort for a Unix-domain socket
	File     SocketFile     // Unix domain; the zero SocketFile for TCP
}

// ListenStream listens on addr, a TCP "host:port" (Listen) or a path
// ("unix:/tmp/chat.sock", ListenUnix), and returns the socket and where it
// is bound. The front ends' Listen open their sockets through it, so that
// every front end takes the same addresses.
func ListenStream(addr string, opts ...ListenOption) (int, Endpoint, error) {
	if path, ok := UnixPath(addr); ok {
		fd, file, err := ListenUnix(path, opts...)
		return fd, Endpoint{File: file}, err
	}
	fd, bound, err := Listen(addr, opts...)
	return fd, Endpoint{AddrPort: bound}, err
}

// String returns the endpoint as Dial takes it: "127.0.0.1:7008", or
// "unix:/tmp/chat.sock".
func (e Endpoint) String() string {
	if e.File.Path() != "" {
		return unixPrefix + e.File.Path()
	}
	return e.AddrPort.String()
}

// Network returns "unix" or "tcp", as package net names them.
func (e Endpoint) Network() string {
	if e.File.Path() != "" {
		return "unix"
	}
	return "tcp"
}

// NetAddr returns the endpoint as package net's address: a *net.UnixAddr
// or a *net.TCPAddr.
func (e Endpoint) NetAddr() net.Addr {
	if e.File.Path() != "" {
		return &net.UnixAddr{Name: e.File.Path(), Net: "unix"}
	}
	return TCPAddr(e.AddrPort)
}
