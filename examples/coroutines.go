package examples

import (
	"context"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

// A CoroutinesServer is the server of the coroutines style on one loop:
// gevent's StreamServer, which spawns one handler coroutine per connection.
type CoroutinesServer struct {
	// Set by ServeCoroutines, then read-only.
	hub    *coroutines.Hub
	server *coroutines.StreamServer
}

// ServeCoroutines listens on addr and calls handle in a coroutine of its
// own for each connection, as gevent's StreamServer(addr, handle) does.
// When handle returns, the connection is closed.
func ServeCoroutines(l *loop.Loop, addr string, reusePort bool, handle func(ctx context.Context, conn *coroutines.Conn)) (*CoroutinesServer, error) {
	handler := func(ctx context.Context, conn *coroutines.Conn) error {
		handle(ctx, conn)
		return nil
	}
	hub := coroutines.NewHub(l)
	server, err := coroutines.NewStreamServer(hub, addr, handler, coroutines.ReusePort(reusePort))
	if err != nil {
		return nil, err
	}
	server.Start().SetName("acceptor")
	return &CoroutinesServer{hub: hub, server: server}, nil
}

// Addr returns the address the server listens on.
func (s *CoroutinesServer) Addr() string { return s.server.Addr().String() }

// Hub returns the hub the server's coroutines run on (ServeLoops hands it
// to Config.OnHub).
func (s *CoroutinesServer) Hub() *coroutines.Hub { return s.hub }

// Close stops listening and kills every handler; each handler's blocking
// call returns coroutines.ErrKilled, and its connection is closed.
func (s *CoroutinesServer) Close() { s.server.Close() }
