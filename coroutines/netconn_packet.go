package coroutines

import (
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/loopkit/loopkit/internal/sock"
)

// netPacketConn is PacketConn.NetPacketConn's net.PacketConn: goroutine
// mode (see netconn.go).
type netPacketConn struct {
	// Set by NetPacketConn, then read-only.
	pc    *PacketConn
	local net.Addr

	bridge bridge

	readMu   sync.Mutex // one ReadFrom at a time; guards the fields below
	read     request    // handed to the loop, which fills readN and readFrom
	readBuf  []byte
	readN    int
	readFrom netip.AddrPort

	writeMu  sync.Mutex // one WriteTo at a time; guards the fields below
	write    request
	writeBuf []byte
	writeTo  netip.AddrPort

	startRead  func() // the loop's side of ReadFrom and WriteTo, made once
	startWrite func()
}

// NetPacketConn returns a net.PacketConn over pc that any goroutine may use
// (goroutine mode, see netconn.go). It holds the loop until it is closed.
// Like pc's other methods it belongs to the loop, or may be called before
// the loop runs; call it once per PacketConn.
func (pc *PacketConn) NetPacketConn() net.PacketConn {
	np := &netPacketConn{pc: pc, local: sock.UDPAddr(pc.local)}
	np.bridge.init(pc.loop)
	np.read.init(np.readAttempt)
	np.write.init(np.writeAttempt)
	np.startRead = func() { pc.reader.submit(&np.read) }
	np.startWrite = func() { pc.writer.submit(&np.write) }
	return np
}

// ReadFrom reads one datagram, as PacketConn.ReadFrom, from any goroutine.
func (np *netPacketConn) ReadFrom(p []byte) (int, net.Addr, error) {
	if !np.bridge.enter() {
		return 0, nil, np.pc.opError("read", net.ErrClosed)
	}
	defer np.bridge.exit()
	np.readMu.Lock()
	defer np.readMu.Unlock()
	np.readBuf, np.readN = p, 0
	err := np.bridge.call(np.startRead, &np.read)
	np.readBuf = nil
	if err != nil {
		return 0, nil, np.pc.opError("read", err)
	}
	return np.readN, sock.UDPAddr(np.readFrom), nil
}

func (np *netPacketConn) readAttempt() error {
	n, from, err := sock.ReadFrom(np.pc.fd, np.readBuf)
	np.readN, np.readFrom = n, from
	return err
}

// WriteTo sends one datagram, as PacketConn.WriteTo, from any goroutine.
// addr must be a *net.UDPAddr.
func (np *netPacketConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	to, ok := addr.(*net.UDPAddr)
	if !ok {
		return 0, np.pc.opError("write", fmt.Errorf("coroutines: PacketConn.WriteTo: address %v is a %T, not a *net.UDPAddr", addr, addr))
	}
	if !np.bridge.enter() {
		return 0, np.pc.opError("write", net.ErrClosed)
	}
	defer np.bridge.exit()
	np.writeMu.Lock()
	defer np.writeMu.Unlock()
	np.writeBuf, np.writeTo = p, to.AddrPort()
	err := np.bridge.call(np.startWrite, &np.write)
	np.writeBuf = nil
	if err != nil {
		return 0, np.pc.opError("write", err)
	}
	return len(p), nil
}

func (np *netPacketConn) writeAttempt() error {
	return sock.WriteTo(np.pc.fd, np.writeBuf, np.writeTo)
}

// Close closes the socket on the loop goroutine; calls waiting in other
// goroutines return errors wrapping net.ErrClosed.
func (np *netPacketConn) Close() error {
	if !np.bridge.enterClose() {
		return np.pc.opError("close", net.ErrClosed)
	}
	defer np.bridge.exit()
	return np.bridge.run(np.pc.Close)
}

func (np *netPacketConn) LocalAddr() net.Addr { return np.local }

// SetDeadline, SetReadDeadline and SetWriteDeadline hand the deadline to
// the loop, as netConn's do.
func (np *netPacketConn) SetDeadline(t time.Time) error {
	return np.pc.opError("set", np.bridge.post(func() {
		np.pc.reader.setDeadline(t)
		np.pc.writer.setDeadline(t)
	}))
}

func (np *netPacketConn) SetReadDeadline(t time.Time) error {
	return np.pc.opError("set", np.bridge.post(func() { np.pc.reader.setDeadline(t) }))
}

func (np *netPacketConn) SetWriteDeadline(t time.Time) error {
	return np.pc.opError("set", np.bridge.post(func() { np.pc.writer.setDeadline(t) }))
}
