package coroutines

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// A PacketConn is a UDP socket for coroutines: ReadFrom parks the calling
// coroutine until a datagram comes, WriteTo until the send buffer has room
// (rarely: UDP drops rather than waits, but the buffer can still fill). It
// belongs to the loop as a Conn does; Bind and NetPacketConn give a
// net.PacketConn over it.
type PacketConn struct {
	// Set by ListenPacket, then read-only.
	loop  *loop.Loop
	fd    int
	local netip.AddrPort

	// Owned by the loop goroutine and the coroutine it runs.
	reader fdWaiter
	writer fdWaiter
	closed bool
}

// ListenPacket opens a UDP socket bound to addr ("127.0.0.1:0" picks a free
// port, which LocalAddr tells). As Listen, it makes the socket only, so any
// goroutine may call it.
func ListenPacket(h *Hub, addr string) (*PacketConn, error) {
	fd, bound, err := sock.ListenPacket(addr)
	if err != nil {
		return nil, fmt.Errorf("coroutines: %w", err)
	}
	pc := &PacketConn{loop: h.Loop(), fd: fd, local: bound}
	pc.reader.init(pc.loop, fd, false, "PacketConn.ReadFrom", "reading")
	pc.writer.init(pc.loop, fd, true, "PacketConn.WriteTo", "writing")
	return pc, nil
}

// ReadFrom reads one datagram into p and returns its length and sender,
// parking the coroutine of ctx until one comes. A datagram longer than p is
// cut to len(p): the rest is lost, as with recvfrom(2).
func (pc *PacketConn) ReadFrom(ctx context.Context, p []byte) (int, netip.AddrPort, error) {
	co, err := current(ctx)
	if err != nil {
		return 0, netip.AddrPort{}, pc.opError("read", err)
	}
	for {
		if err := pc.reader.check(); err != nil {
			return 0, netip.AddrPort{}, pc.opError("read", err)
		}
		n, from, err := sock.ReadFrom(pc.fd, p)
		if !sock.WouldBlock(err) {
			return n, from, pc.opError("read", err)
		}
		if err := pc.reader.wait(ctx, co); err != nil {
			return 0, netip.AddrPort{}, pc.opError("read", err)
		}
	}
}

// WriteTo sends p as one datagram to addr and returns len(p), parking the
// coroutine of ctx while the send buffer is full. A datagram is sent whole
// or not at all; one too long for UDP is an error (EMSGSIZE).
func (pc *PacketConn) WriteTo(ctx context.Context, p []byte, addr netip.AddrPort) (int, error) {
	co, err := current(ctx)
	if err != nil {
		return 0, pc.opError("write", err)
	}
	for {
		if err := pc.writer.check(); err != nil {
			return 0, pc.opError("write", err)
		}
		err := sock.WriteTo(pc.fd, p, addr)
		if err == nil {
			return len(p), nil
		}
		if !sock.WouldBlock(err) {
			return 0, pc.opError("write", err)
		}
		if err := pc.writer.wait(ctx, co); err != nil {
			return 0, pc.opError("write", err)
		}
	}
}

// Close closes the socket and wakes a coroutine parked in ReadFrom or
// WriteTo with an error that wraps net.ErrClosed.
func (pc *PacketConn) Close() error {
	if pc.closed {
		return pc.opError("close", net.ErrClosed)
	}
	pc.closed = true
	pc.reader.close() // leave the loop before the fd number can be reused
	pc.writer.close()
	if err := unix.Close(pc.fd); err != nil {
		return pc.opError("close", os.NewSyscallError("close", err))
	}
	return nil
}

// LocalAddr returns the address the socket is bound to.
func (pc *PacketConn) LocalAddr() netip.AddrPort { return pc.local }

// SetDeadline sets the read and the write deadline, as Conn.SetDeadline.
func (pc *PacketConn) SetDeadline(t time.Time) error {
	if pc.closed {
		return pc.opError("set", net.ErrClosed)
	}
	pc.reader.setDeadline(t)
	pc.writer.setDeadline(t)
	return nil
}

// SetReadDeadline bounds ReadFrom, as Conn.SetReadDeadline bounds Read.
func (pc *PacketConn) SetReadDeadline(t time.Time) error {
	if pc.closed {
		return pc.opError("set", net.ErrClosed)
	}
	pc.reader.setDeadline(t)
	return nil
}

// SetWriteDeadline bounds WriteTo, as Conn.SetWriteDeadline bounds Write.
func (pc *PacketConn) SetWriteDeadline(t time.Time) error {
	if pc.closed {
		return pc.opError("set", net.ErrClosed)
	}
	pc.writer.setDeadline(t)
	return nil
}

// opError dresses err as package net does (see Conn.opError).
func (pc *PacketConn) opError(op string, err error) error {
	if err == nil {
		return nil
	}
	if errno, ok := err.(unix.Errno); ok {
		err = os.NewSyscallError(udpSyscalls[op], errno)
	}
	return &net.OpError{Op: op, Net: "udp", Addr: sock.UDPAddr(pc.local), Err: err}
}

// udpSyscalls names the system call behind each operation, for errors.
var udpSyscalls = map[string]string{"read": "recvfrom", "write": "sendto", "close": "close"}
