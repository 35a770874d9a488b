package examples

import (
	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/loop"
)

// A ProtocolServer is the server of the protocol style on one loop: a
// protocol.Server, which already keeps its connections; Close aborts them
// rather than wait for peers that may never read.
type ProtocolServer struct {
	server *protocol.Server
}

// ServeProtocol listens on addr and makes a protocol object with factory
// for each connection, as asyncio's loop.create_server(factory, ...).
func ServeProtocol(l *loop.Loop, addr string, reusePort bool, factory func() protocol.Protocol) (*ProtocolServer, error) {
	s, err := protocol.Serve(l, addr, factory, callbacks.ReusePort(reusePort))
	if err != nil {
		return nil, err
	}
	return &ProtocolServer{server: s}, nil
}

// Addr returns the address the server listens on.
func (s *ProtocolServer) Addr() string { return s.server.Addr().String() }

// Close stops listening and aborts every connection.
func (s *ProtocolServer) Close() { s.server.Abort() }
