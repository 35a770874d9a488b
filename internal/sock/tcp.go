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

func setNoDelay(fd int) {
	// Best effort: it fails only on sockets that are not TCP (a Unix-domain
	// one has no Nagle's algorithm to turn off).
	unix.SetsockoptInt(fd, unix.IPPROTO_TCP, unix.TCP_NODELAY, 1)
}
