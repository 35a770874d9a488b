package sock

import (
	"errors"
	"fmt"
	"net/netip"
	"os"

	"golang.org/x/sys/unix"
)

// ListenPacket returns a non-blocking UDP socket bound to addr, and the
// address it is bound to.
func ListenPacket(addr string) (int, netip.AddrPort, error) {
	ap, err := ParseAddr(addr)
	if err != nil {
		return -1, ap, err
	}
	fd, err := Socket(family(ap), unix.SOCK_DGRAM)
	if err != nil {
		return -1, ap, err
	}
	if err := unix.Bind(fd, Sockaddr(ap)); err != nil {
		unix.Close(fd)
		if errors.Is(err, unix.EADDRINUSE) {
			return -1, ap, fmt.Errorf("listen udp %s: address already in use", addr)
		}
		return -1, ap, fmt.Errorf("listen udp %s: %w", addr, os.NewSyscallError("bind", err))
	}
	return fd, LocalAddr(fd), nil
}

// ReadFrom reads one datagram into p; unix.EAGAIN means none is waiting.
func ReadFrom(fd int, p []byte) (int, netip.AddrPort, error) {
	for {
		n, sa, err := unix.Recvfrom(fd, p, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, netip.AddrPort{}, err
		}
		return n, AddrPort(sa), nil
	}
}

// WriteTo sends p as one datagram to addr; unix.EAGAIN means the send buffer
// is full.
func WriteTo(fd int, p []byte, addr netip.AddrPort) error {
	for {
		err := unix.Sendto(fd, p, 0, Sockaddr(addr))
		if err == unix.EINTR {
			continue
		}
		return err
	}
}
