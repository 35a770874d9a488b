// Package protocol drives connections with protocol objects: the code of a
// connection is a value with one method per event (ConnectionMade,
// DataReceived, EOFReceived, ConnectionLost), and it acts on the connection
// through a Transport. It is the style of Twisted (Protocol, ITransport)
// and of asyncio's Transport and Protocol, built on package callbacks: each
// transport is a callbacks.Conn, and a protocol's methods are called from
// the Conn's callbacks.
//
// # Why objects
//
// In package callbacks, each thing a connection waits for is a separate
// closure, and the state they share lives wherever the closures can reach
// it. Here the callbacks of one connection are the methods of one object,
// and the state is its fields: a line protocol's partial line, a client's
// pending request. The loop still calls code when something happens, and
// still nothing blocks; but the pyramid of nested callbacks becomes a flat
// set of methods, each of which is a small state machine step.
//
//	type echo struct{ t protocol.Transport }
//
//	func (e *echo) ConnectionMade(t protocol.Transport) { e.t = t }
//	func (e *echo) DataReceived(data []byte)            { e.t.Write(data) }
//	func (e *echo) EOFReceived() bool                   { return false }
//	func (e *echo) ConnectionLost(err error)            {}
//
//	server, err := protocol.Serve(l, ":7000", func() protocol.Protocol { return &echo{} })
//
//	Twisted / asyncio                       loopkit protocol
//	connectionMade / connection_made        ConnectionMade(Transport)
//	dataReceived / data_received            DataReceived([]byte)
//	eof_received                            EOFReceived() (keepOpen bool)
//	connectionLost / connection_lost        ConnectionLost(error)
//	pause_writing / resume_writing          FlowControl (optional)
//	datagram_received / error_received      DatagramProtocol
//	transport.write / write_eof             Transport.Write / WriteEOF
//	transport.close / abort                 Transport.Close / Abort
//	loop.create_server                      Serve
//	loop.create_connection                  Connect
//	loop.create_datagram_endpoint           ListenDatagram
//
// # The lifecycle
//
// Each connection gets exactly one ConnectionMade and, later, exactly one
// ConnectionLost, on every path: the peer closes or resets, the protocol
// calls Close or Abort, a method panics, Server.Close ends them all. Data
// comes only between the two. A connection that was never made (a Connect
// refused) calls neither: Connect's done gets the error instead, as
// asyncio's create_connection raises.
//
// The transport closes the connection after EOFReceived returns false (the
// usual answer: the peer is done, so are we). Returning true keeps the
// connection half-open, to finish a reply; the protocol closes it later.
//
// A loop should not be closed under open connections (their fds would
// stay open, as loop.Close documents). Server.Close ends every connection
// of a server; a client closes its own transport.
//
// # Flow control
//
// Write never blocks and never refuses. What the kernel does not take
// waits in the transport's write buffer; when that passes the high-water
// mark (64 KiB by default), a protocol that implements FlowControl gets
// PauseWriting, and once the buffer has drained to the low-water mark
// (16 KiB), ResumeWriting. A protocol that honours them keeps its buffer
// below the high mark plus one write, however slow the peer. One that does
// not implement them has no limit but its own: check WriteBufferSize.
//
// # How it is built
//
// This package is a thin adapter over package callbacks: a transport is a
// callbacks.Conn whose read, flush and close callbacks call the protocol's
// methods, and whose methods (Write, Close, Abort, PauseReading) are the
// Conn's. What it adds is the lifecycle (ConnectionMade before reading
// starts; ConnectionLost from the Conn's one close callback), the flow
// control marks, and a server that keeps its connections. The read buffer,
// the write buffer and the system calls are all the Conn's, so both styles
// cost the same on the hot path, save one interface call and a deferred
// panic check. Read transport.go, flow.go, then server.go and connect.go.
//
// # What next
//
// Objects flatten the pyramid, but a protocol still cannot say "read a
// line, then read a body": its code is cut at every place it would wait.
// Package coroutines writes that sequence as straight-line code. Framing
// (lines, lengths) belongs to protocols built on this package, not in it.
package protocol
