package protocol

import "net/netip"

// A Protocol is the code of one connection, as an object: the transport
// calls its methods as things happen, and it answers through the Transport
// it was given. Serve makes one per accepted connection with its factory;
// Connect takes one for the connection it makes.
//
// Its methods are called on the loop goroutine, one at a time, in this
// order: ConnectionMade once; then DataReceived any number of times, and
// EOFReceived at most once, after the last DataReceived; then
// ConnectionLost once, last, whatever ends the connection (the peer closes
// or resets it, the protocol calls Close or Abort, Server.Close). No method
// is called after ConnectionLost.
//
// This interface is the minimum a protocol implements. The optional
// interfaces below it add abilities, found by type assertion: FlowControl
// for a protocol that wants to know when to stop writing.
//
// A method that panics aborts its connection: the loop's error handler gets
// the panic with its stack, and ConnectionLost gets an error wrapping
// ErrPanicked (unless the panic was in ConnectionLost itself). Twisted
// drops such a connection too: a protocol that stopped half-way through a
// method is in a state nobody planned for.
type Protocol interface {
	// ConnectionMade is called when the connection is made, with the
	// transport to write to. Keep it: it is the protocol's only handle
	// on the connection.
	ConnectionMade(t Transport)

	// DataReceived is called with each chunk of bytes read. data is valid
	// only during the call (the next read reuses its buffer): copy what
	// you keep. Chunks are cut wherever the network cut them: a message may
	// arrive in pieces, or several in one chunk.
	DataReceived(data []byte)

	// EOFReceived is called when the peer has closed its sending half
	// (it sent FIN). Return false to have the transport close the
	// connection (after what is buffered is written); return true to keep
	// it half-open, write the rest of a reply, and Close when done.
	EOFReceived() (keepOpen bool)

	// ConnectionLost is called once, last, when the connection is closed:
	// with nil after an orderly end (Close, Abort, a false EOFReceived,
	// Server.Close), or with the error that broke it (a reset wraps
	// unix.ECONNRESET).
	ConnectionLost(err error)
}

// FlowControl is the optional interface of a Protocol that writes more than
// the peer may read in time. When the transport's write buffer grows above
// its high-water mark, the transport calls PauseWriting: stop writing (a
// producer stops producing). When the buffer has drained to its low-water
// mark, it calls ResumeWriting. The calls alternate, PauseWriting first.
// Marks are set with Transport.SetWriteBufferLimits; by default 64 KiB and
// 16 KiB, as in asyncio.
//
// The transport never refuses a Write: a protocol without FlowControl, or
// one that ignores PauseWriting, grows the buffer without bound.
type FlowControl interface {
	PauseWriting()
	ResumeWriting()
}

// A DatagramProtocol is the code of a UDP socket, as an object. Its methods
// are called on the loop goroutine: ConnectionMade once, DatagramReceived
// and ErrorReceived any number of times, ConnectionLost once, last. A
// method that panics aborts the socket, as for Protocol.
type DatagramProtocol interface {
	// ConnectionMade is called, from the loop, once the socket is ready.
	ConnectionMade(t DatagramTransport)

	// DatagramReceived is called with each datagram and its sender. data
	// is valid only during the call.
	DatagramReceived(data []byte, from netip.AddrPort)

	// ErrorReceived is called with an error of one datagram, sent or
	// received (the network refused it, an ICMP error came back). The
	// socket goes on.
	ErrorReceived(err error)

	// ConnectionLost is called once, last, when the socket is closed.
	ConnectionLost(err error)
}
