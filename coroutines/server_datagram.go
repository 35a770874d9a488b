package coroutines

import (
	"context"
	"fmt"
	"net/netip"
)

// A DatagramServer is gevent's DatagramServer: it reads UDP datagrams and
// calls handler for each, in the server's coroutine, with the socket to
// answer on.
//
// The handler runs inline, one datagram after another, and data is the
// server's buffer, valid only until the handler returns: a handler that
// parks (to answer a slow backend, say) holds up the datagrams behind it,
// so such a handler copies data and spawns. (gevent spawns a greenlet per
// datagram; inline keeps the common case, a quick answer, free of
// allocations.)
//
// Its methods belong to the loop goroutine and the coroutines.
type DatagramServer struct {
	// Set by NewDatagramServer, then read-only.
	hub     *Hub
	pc      *PacketConn
	handler func(ctx context.Context, pc *PacketConn, data []byte, from netip.AddrPort) error

	// Owned by the loop goroutine and the coroutines.
	stopping bool
}

// maxDatagram is the largest UDP payload: a buffer this size never cuts a
// datagram short.
const maxDatagram = 65535

// NewDatagramServer opens a UDP socket on addr (see ListenPacket) and
// returns a server that will call handler for each datagram once started.
// An error the handler returns goes to the loop's error handler, naming
// the sender, and the server goes on.
func NewDatagramServer(h *Hub, addr string, handler func(ctx context.Context, pc *PacketConn, data []byte, from netip.AddrPort) error) (*DatagramServer, error) {
	pc, err := ListenPacket(h, addr)
	if err != nil {
		return nil, err
	}
	return &DatagramServer{hub: h, pc: pc, handler: handler}, nil
}

// Addr returns the address the server is bound to.
func (s *DatagramServer) Addr() netip.AddrPort { return s.pc.LocalAddr() }

// Start spawns a coroutine that runs Serve, and returns it.
func (s *DatagramServer) Start() *Coroutine { return s.hub.Spawn(s.Serve) }

// Serve reads datagrams and calls the handler for each, in the coroutine
// of ctx, until Close; then it returns nil.
func (s *DatagramServer) Serve(ctx context.Context) error {
	buf := make([]byte, maxDatagram)
	for {
		n, from, err := s.pc.ReadFrom(ctx, buf)
		if err != nil {
			if s.stopping {
				return nil
			}
			return err
		}
		if err := s.handler(ctx, s.pc, buf[:n], from); err != nil {
			s.hub.loop.ReportError(fmt.Errorf("coroutines: DatagramServer %s: handler for %s: %w", s.Addr(), from, err))
		}
	}
}

// Close stops the server: it closes the socket, which ends Serve.
func (s *DatagramServer) Close() error {
	if s.stopping {
		return nil
	}
	s.stopping = true
	return s.pc.Close()
}
