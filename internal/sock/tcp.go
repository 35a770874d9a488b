package sock

import (
	"errors"
	"fmt"
	"net/netip"
	"os"

	"golang.org/x/sys/unix"
)

// Backlog is the length of a listener's queue of connections not yet
// accepted. The kernel caps it at net.core.somaxconn.
const Backlog = 4096

// A ListenOption changes how Listen opens its socket. The front ends
// re-export it (callbacks.ListenOption, coroutines.ListenOption), so that
// the option means one thing wherever a listener is opened.
type ListenOption func(*listenConfig)

type listenConfig struct {
	reusePort bool
}

// ReusePort(true) sets SO_REUSEPORT as well, so that several sockets, one
// per loop, can listen on the same port and the kernel spreads the
// connections among them. ReusePort(false), the default, exists so that a
// caller can pass a choice made at run time.
func ReusePort(on bool) ListenOption {
	return func(c *listenConfig) { c.reusePort = on }
}

// Listen returns a non-blocking TCP socket listening on addr, and the address
// it is bound to (port 0 gets a free port). SO_REUSEADDR lets a restarted
// server bind while old connections sit in TIME_WAIT. An address in use is an
// error that names it.
func Listen(addr string, opts ...ListenOption) (int, netip.AddrPort, error) {
	var c listenConfig
	for _, opt := range opts {
		opt(&c)
	}
	return listen(addr, c.reusePort)
}

func listen(addr string, reusePort bool) (int, netip.AddrPort, error) {
	ap, err := ParseAddr(addr)
	if err != nil {
		return -1, ap, err
	}
	fd, err := Socket(family(ap), unix.SOCK_STREAM)
	if err != nil {
		return -1, ap, err
	}
	if err := setupListener(fd, ap, reusePort); err != nil {
		unix.Close(fd)
		return -1, ap, fmt.Errorf("listen tcp %s: %w", addr, err)
	}
	return fd, LocalAddr(fd), nil
}

func setupListener(fd int, ap netip.AddrPort, reusePort bool) error {
	if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
		return os.NewSyscallError("setsockopt SO_REUSEADDR", err)
	}
	if reusePort {
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEPORT, 1); err != nil {
			return os.NewSyscallError("setsockopt SO_REUSEPORT", err)
		}
	}
	if err := unix.Bind(fd, Sockaddr(ap)); err != nil {
		if errors.Is(err, unix.EADDRINUSE) {
			return fmt.Errorf("address %s already in use (is another server running? try port 0): %w", ap, os.NewSyscallError("bind", err))
		}
		return os.NewSyscallError("bind", err)
	}
	if err := unix.Listen(fd, Backlog); err != nil {
		return os.NewSyscallError("listen", err)
	}
	return nil
}

// Accept takes one connection from a listener's queue and returns it
// non-blocking, with TCP_NODELAY set (so small writes are not held back by
// Nagle's algorithm waiting for an ACK). unix.EAGAIN means the queue is empty.
func Accept(listener int) (int, netip.AddrPort, error) {
	fd, sa, err := accept(listener)
	if err != nil {
		return -1, netip.AddrPort{}, err
	}
	setNoDelay(fd)
	return fd, AddrPort(sa), nil
}

// Connect starts a non-blocking connect to addr. It returns the fd at once;
// the connection is made when the fd becomes writable, and ConnectResult then
// tells whether it succeeded. (A connect to loopback may also finish at once:
// then the fd is writable right away and ConnectResult returns nil.) A path
// ("unix:/tmp/chat.sock") connects a Unix-domain socket, which is done or
// refused within the call (connectUnix).
func Connect(addr string) (int, error) {
	if path, ok := UnixPath(addr); ok {
		return connectUnix(addr, path)
	}
	ap, err := ParseAddr(addr)
	if err != nil {
		return -1, err
	}
	fd, err := Socket(family(ap), unix.SOCK_STREAM)
	if err != nil {
		return -1, err
	}
	err = unix.Connect(fd, Sockaddr(ap))
	if err != nil && !errors.Is(err, unix.EINPROGRESS) && !errors.Is(err, unix.EINTR) {
		unix.Close(fd)
		return -1, fmt.Errorf("dial tcp %s: %w", addr, os.NewSyscallError("connect", err))
	}
	setNoDelay(fd)
	return fd, nil
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
	if path, ok := UnixPath(addr); ok {
		return "unix " + path
	}
	return "tcp " + addr
}

func setNoDelay(fd int) {
	// Best effort: it fails only on sockets that are not TCP.
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
}
