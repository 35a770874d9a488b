package sock

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"

	"golang.org/x/sys/unix"
)

// An Endpoint is where a stream listener is bound: an IP address and port
// (TCP), or the path of the socket file its bind made (a Unix-domain
// socket, which has no address and port). Exactly one of the two is set.
type Endpoint struct {
	AddrPort netip.AddrPort // TCP; the zero AddrPort for a Unix-domain socket
	Path     string         // Unix domain; "" for TCP
	made     fs.FileInfo    // the socket file as bind made it: see removeFile
}

// ListenStream listens on addr, a TCP "host:port" (Listen) or a path
// ("unix:/tmp/chat.sock", listenUnix), and returns the socket and where it
// is bound. The front ends' Listen open their sockets through it, so that
// every front end takes the same addresses.
func ListenStream(addr string, opts ...ListenOption) (int, Endpoint, error) {
	if path, ok := UnixPath(addr); ok {
		return listenUnix(addr, path, opts...)
	}
	fd, bound, err := Listen(addr, opts...)
	return fd, Endpoint{AddrPort: bound}, err
}

// CloseListener closes fd, a listener bound at bound, and removes a
// Unix-domain listener's socket file, which the close leaves behind
// (removeFile). The file goes even if the close fails: nothing listens on
// it either way.
func CloseListener(fd int, bound Endpoint) error {
	if err := unix.Close(fd); err != nil {
		bound.removeFile()
		return os.NewSyscallError("close", err)
	}
	if err := bound.removeFile(); err != nil {
		return fmt.Errorf("removing the socket file: %w", err)
	}
	return nil
}

// String returns the endpoint as Dial takes it: "127.0.0.1:7008", or
// "unix:/tmp/chat.sock".
func (e Endpoint) String() string {
	if e.Path != "" {
		return unixPrefix + e.Path
	}
	return e.AddrPort.String()
}

// Network returns "unix" or "tcp", as package net names them.
func (e Endpoint) Network() string {
	if e.Path != "" {
		return "unix"
	}
	return "tcp"
}

// NetAddr returns the endpoint as package net's address: a *net.UnixAddr
// or a *net.TCPAddr.
func (e Endpoint) NetAddr() net.Addr {
	if e.Path != "" {
		return &net.UnixAddr{Name: e.Path, Net: "unix"}
	}
	return TCPAddr(e.AddrPort)
}

// Connect starts a non-blocking connect to addr, a TCP "host:port" or a
// Unix-domain socket's "unix:PATH". It returns the fd at once; the
// connection is made when the fd becomes writable, and ConnectResult then
// tells whether it succeeded. (A connect to loopback may also finish at
// once: then the fd is writable right away and ConnectResult returns nil.)
//
// A Unix-domain connect never waits for a handshake: there is no network
// between the two ends, and the kernel connects (or refuses) within the
// call. So EINPROGRESS does not come on Linux, and EAGAIN means something
// else than with TCP: the listener's queue of connections not yet accepted
// is full, and no connection is being made. The kit says so, as Go's net
// does, rather than wait and retry.
func Connect(addr string) (int, error) {
	sa, family, err := streamSockaddr(addr)
	if err != nil {
		return -1, err
	}
	fd, err := Socket(family, unix.SOCK_STREAM)
	if err != nil {
		return -1, err
	}
	err = unix.Connect(fd, sa)
	switch {
	case err == nil, errors.Is(err, unix.EINPROGRESS), errors.Is(err, unix.EINTR):
		setNoDelay(fd)
		return fd, nil
	case family == unix.AF_UNIX && errors.Is(err, unix.EAGAIN):
		err = fmt.Errorf("the server's queue of connections not yet accepted is full: %w", os.NewSyscallError("connect", err))
	default:
		err = os.NewSyscallError("connect", err)
	}
	unix.Close(fd)
	return -1, fmt.Errorf("dial %s: %w", dialName(addr), err)
}

// streamSockaddr returns the socket address that addr names, as connect
// takes it, and its family: AF_UNIX for "unix:PATH", else AF_INET or
// AF_INET6 for a TCP "host:port".
func streamSockaddr(addr string) (unix.Sockaddr, int, error) {
	if path, ok := UnixPath(addr); ok {
		if err := checkUnixPath(addr, path); err != nil {
			return nil, 0, err
		}
		return &unix.SockaddrUnix{Name: path}, unix.AF_UNIX, nil
	}
	ap, err := ParseAddr(addr)
	if err != nil {
		return nil, 0, err
	}
	return Sockaddr(ap), family(ap), nil
}

// ConnectResult returns the outcome of a non-blocking connect once its fd is
// writable: the connect's own error is kept in SO_ERROR, since the connect
// call returned before it was known.
func ConnectResult(fd int, addr string) error {
	errno, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR)
	if err != nil {
		return fmt.Errorf("dial %s: %w", dialName(addr), os.NewSyscallError("getsockopt SO_ERROR", err))
	}
	if errno != 0 {
		return fmt.Errorf("dial %s: %w", dialName(addr), os.NewSyscallError("connect", unix.Errno(errno)))
	}
	return nil
}

// dialName names the network and the address of a dial in its errors, as
// package net does: "tcp 127.0.0.1:7008", "unix /tmp/chat.sock".
func dialName(addr string) string {
	network, address := SplitNetwork(addr)
	return network + " " + address
}
