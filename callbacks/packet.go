package callbacks

import (
	"fmt"
	"net/netip"
	"os"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
)

// A PacketConn is a UDP socket driven by a loop: datagrams come to its read
// callback with their sender's address, and WriteTo sends them. Unlike a
// Conn, nothing breaks it but Close: an error of one datagram (a send the
// network refused, an ICMP error reported on a read) is that datagram's,
// and the socket goes on.
//
// A PacketConn belongs to its loop's goroutine, as a Conn does.
type PacketConn struct {
	// Set by ListenPacket, then read-only.
	loop       *loop.Loop
	fd         int
	addr       netip.AddrPort
	readableFn func()
	writableFn func()

	// Owned by the loop goroutine.
	onReadFrom func(data []byte, from netip.AddrPort, err error)
	onClose    func(err error)
	reading    bool
	out        []datagram // waiting for the send buffer, oldest first
	writing    bool
	closing    bool // Close: close once out is empty
	closed     bool
}

// A datagram is one WriteTo that waits for room in the send buffer.
type datagram struct {
	data []byte // a copy: the caller may reuse its slice
	to   netip.AddrPort
	done func(error)
}

// ListenPacket opens a UDP socket bound to addr ("127.0.0.1:0", "[::1]:9000").
// It reads nothing until OnReadFrom.
func ListenPacket(l *loop.Loop, addr string) (*PacketConn, error) {
	fd, bound, err := sock.ListenPacket(addr)
	if err != nil {
		return nil, fmt.Errorf("callbacks: %w", err)
	}
	pc := &PacketConn{loop: l, fd: fd, addr: bound}
	pc.readableFn = pc.readable
	pc.writableFn = pc.writable
	return pc, nil
}

// LocalAddr returns the address the socket is bound to.
func (pc *PacketConn) LocalAddr() netip.AddrPort { return pc.addr }

// OnReadFrom makes fn the read callback and starts reading; OnReadFrom(nil)
// stops. fn is called with each datagram and its sender, or with an error
// of a read (nil data), after which reading goes on. data is valid only
// during the call, as for Conn.OnRead. fn also gets the errors of WriteTo
// calls that had no done callback, as asyncio's error_received does.
func (pc *PacketConn) OnReadFrom(fn func(data []byte, from netip.AddrPort, err error)) {
	pc.onReadFrom = fn
	pc.updateReading()
}

// OnClose makes fn the close callback, called once with nil after Close or
// Abort has closed the socket (at once, from the loop, if it is closed
// already).
func (pc *PacketConn) OnClose(fn func(err error)) {
	pc.onClose = fn
	if pc.closed && fn != nil {
		callSoon(pc.loop, fn, nil)
	}
}

func (pc *PacketConn) updateReading() {
	want := pc.onReadFrom != nil && !pc.closing && !pc.closed
	switch {
	case want && !pc.reading:
		if err := pc.loop.AddReader(pc.fd, pc.readableFn); err != nil {
			callSoon(pc.loop, pc.readFailed, fmt.Errorf("callbacks: reading from udp %s: %w", pc.addr, err))
			return
		}
		pc.reading = true
	case !want && pc.reading:
		pc.loop.RemoveReader(pc.fd)
		pc.reading = false
	}
}

// readable is the loop's reader: one datagram per event, into a borrowed
// read buffer (64 KiB holds the largest datagram UDP can carry).
func (pc *PacketConn) readable() {
	buf := readBuffers.Get().(*[readBufferSize]byte)
	n, from, err := sock.ReadFrom(pc.fd, buf[:])
	switch {
	case err == nil:
		pc.onReadFrom(buf[:n], from, nil)
	case sock.WouldBlock(err):
	default:
		pc.onReadFrom(nil, netip.AddrPort{}, fmt.Errorf("callbacks: read from udp %s: %w", pc.addr, os.NewSyscallError("recvfrom", err)))
	}
	readBuffers.Put(buf)
}

// WriteTo sends data as one datagram to to. It never blocks: if the send
// buffer is full, a copy waits in the socket's queue until the loop finds
// it writable. done, which may be nil, is called later from the loop with
// nil once the datagram is handed to the kernel (UDP promises no more), or
// with the error of this datagram; without done, the error goes to the
// read callback, or else to the loop's error handler. After Close or Abort,
// the error wraps ErrClosed.
func (pc *PacketConn) WriteTo(data []byte, to netip.AddrPort, done func(error)) {
	if pc.closing || pc.closed {
		// A mistake of the caller's, not an error of the network: it goes
		// to done or to the loop's error handler, not to the read callback.
		err := fmt.Errorf("callbacks: write to udp %s after Close: %w", to, ErrClosed)
		if done != nil {
			callSoon(pc.loop, done, err)
		} else {
			pc.loop.ReportError(err)
		}
		return
	}
	if len(pc.out) == 0 {
		err := sock.WriteTo(pc.fd, data, to)
		if !sock.WouldBlock(err) {
			pc.sent(to, done, err)
			return
		}
	}
	pc.out = append(pc.out, datagram{data: append([]byte(nil), data...), to: to, done: done})
	pc.updateWriting()
}

// sent tells done the outcome of one datagram's sendto.
func (pc *PacketConn) sent(to netip.AddrPort, done func(error), err error) {
	if err != nil {
		pc.datagramFailed(done, fmt.Errorf("callbacks: write to udp %s: %w", to, os.NewSyscallError("sendto", err)))
		return
	}
	if done != nil {
		callSoon(pc.loop, done, nil)
	}
}

// datagramFailed gives err to done, or else to the read callback, or else to
// the loop's error handler: someone hears of it.
func (pc *PacketConn) datagramFailed(done func(error), err error) {
	switch {
	case done != nil:
		callSoon(pc.loop, done, err)
	case pc.onReadFrom != nil && !pc.closing:
		callSoon(pc.loop, pc.readFailed, err)
	default:
		pc.loop.ReportError(err)
	}
}

func (pc *PacketConn) readFailed(err error) {
	if pc.onReadFrom != nil {
		pc.onReadFrom(nil, netip.AddrPort{}, err)
	}
}

func (pc *PacketConn) updateWriting() {
	want := len(pc.out) > 0 && !pc.closed
	switch {
	case want && !pc.writing:
		if err := pc.loop.AddWriter(pc.fd, pc.writableFn); err != nil {
			pc.dropQueue(fmt.Errorf("callbacks: writing to udp from %s: %w", pc.addr, err))
			return
		}
		pc.writing = true
	case !want && pc.writing:
		pc.loop.RemoveWriter(pc.fd)
		pc.writing = false
	}
}

// writable is the loop's writer, registered while datagrams wait: it sends
// them in order until the send buffer is full again, then stops watching
// if none is left, and finishes a Close that waited.
func (pc *PacketConn) writable() {
	sentAll := 0
	for _, d := range pc.out {
		err := sock.WriteTo(pc.fd, d.data, d.to)
		if sock.WouldBlock(err) {
			break
		}
		pc.sent(d.to, d.done, err)
		sentAll++
	}
	n := copy(pc.out, pc.out[sentAll:])
	clear(pc.out[n:])
	pc.out = pc.out[:n]
	pc.updateWriting()
	if len(pc.out) == 0 && pc.closing {
		pc.teardown()
	}
}

// Close stops reading, sends the datagrams still queued, then closes the
// socket and calls the close callback.
func (pc *PacketConn) Close() {
	if pc.closing || pc.closed {
		return
	}
	pc.closing = true
	pc.updateReading()
	if len(pc.out) == 0 {
		pc.teardown()
	}
}

// Abort closes the socket at once; the datagrams still queued are dropped,
// and their dones get an error wrapping ErrClosed.
func (pc *PacketConn) Abort() {
	if pc.closed {
		return
	}
	pc.closing = true
	err := fmt.Errorf("callbacks: udp socket %s aborted before the datagram was sent: %w", pc.addr, ErrClosed)
	for _, d := range pc.out {
		if d.done != nil { // without one, dropping is what Abort was asked to do
			callSoon(pc.loop, d.done, err)
		}
	}
	pc.out = nil
	pc.teardown()
}

// dropQueue fails every queued datagram with err, when the loop refused to
// watch the socket for writability.
func (pc *PacketConn) dropQueue(err error) {
	for _, d := range pc.out {
		pc.datagramFailed(d.done, err)
	}
	pc.out = nil
	pc.updateWriting()
}

// teardown removes the waiters, closes the fd (in that order, see
// Conn.teardown) and calls the close callback, once.
func (pc *PacketConn) teardown() {
	if pc.closed {
		return
	}
	pc.updateReading() // closing: removes the reader
	pc.closed = true
	pc.updateWriting()
	if err := unix.Close(pc.fd); err != nil {
		pc.loop.ReportError(fmt.Errorf("callbacks: closing udp socket %s: %w", pc.addr, os.NewSyscallError("close", err)))
	}
	pc.fd = -1
	if pc.onClose != nil {
		callSoon(pc.loop, pc.onClose, nil)
	}
}
