package protocol

import (
	"fmt"
	"net/netip"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/loop"
)

// A DatagramTransport is a DatagramProtocol's handle on its UDP socket.
type DatagramTransport interface {
	// WriteTo sends data as one datagram to to; it never blocks. An error
	// of this datagram comes to ErrorReceived.
	WriteTo(data []byte, to netip.AddrPort)

	// Close sends what is queued, then closes; ConnectionLost(nil)
	// follows.
	Close()

	// Abort closes at once, dropping what is queued.
	Abort()

	// LocalAddr returns the address the socket is bound to.
	LocalAddr() netip.AddrPort
}

// ListenDatagram opens a UDP socket bound to addr and runs p on it:
// ConnectionMade is called from the loop, soon. The transport is returned
// too, for the caller's convenience (its LocalAddr, with port 0).
func ListenDatagram(l *loop.Loop, addr string, p DatagramProtocol) (DatagramTransport, error) {
	pc, err := callbacks.ListenPacket(l, addr)
	if err != nil {
		return nil, fmt.Errorf("protocol: %w", err)
	}
	t := &datagramTransport{conn: pc, protocol: p}
	pc.OnClose(t.lost)
	l.CallSoon(t.start)
	return t, nil
}

// datagramTransport is a callbacks.PacketConn whose callbacks call the
// protocol's methods.
type datagramTransport struct {
	conn     *callbacks.PacketConn
	protocol DatagramProtocol
	panicked string // the protocol method that panicked, if one did
}

// start calls ConnectionMade, then starts reading, unless the protocol
// closed the socket meanwhile.
func (t *datagramTransport) start() {
	ok := false
	defer t.abortUnless(&ok, "ConnectionMade")
	t.protocol.ConnectionMade(t)
	ok = true
	t.conn.OnReadFrom(t.read)
}

// read is the socket's read callback; its errors, and those of writes,
// are one datagram's: ErrorReceived.
func (t *datagramTransport) read(data []byte, from netip.AddrPort, err error) {
	method := "DatagramReceived"
	if err != nil {
		method = "ErrorReceived"
	}
	ok := false
	defer t.abortUnless(&ok, method)
	if err != nil {
		t.protocol.ErrorReceived(err)
	} else {
		t.protocol.DatagramReceived(data, from)
	}
	ok = true
}

// abortUnless: see transport.abortUnless.
func (t *datagramTransport) abortUnless(ok *bool, method string) {
	if *ok {
		return
	}
	if t.panicked == "" {
		t.panicked = method
	}
	t.conn.Abort()
}

// lost is the socket's close callback: ConnectionLost, once.
func (t *datagramTransport) lost(err error) {
	if t.panicked != "" {
		err = fmt.Errorf("protocol: %s: %w; the socket was aborted", t.panicked, ErrPanicked)
	}
	t.protocol.ConnectionLost(err)
}

// WriteTo, Close, Abort and LocalAddr are the PacketConn's; see
// DatagramTransport. WriteTo passes no done: the PacketConn then gives an
// error to the read callback, that is, to ErrorReceived.
func (t *datagramTransport) WriteTo(data []byte, to netip.AddrPort) { t.conn.WriteTo(data, to, nil) }
func (t *datagramTransport) Close()                                 { t.conn.Close() }
func (t *datagramTransport) Abort()                                 { t.conn.Abort() }
func (t *datagramTransport) LocalAddr() netip.AddrPort              { return t.conn.LocalAddr() }
