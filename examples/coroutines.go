package examples

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

// A CoroutinesServer is the server of the coroutines style on one loop:
// gevent's StreamServer. An accepting coroutine spawns one handler
// coroutine per connection, all in a group, so that Close can kill them.
type CoroutinesServer struct {
	// Set by ServeCoroutines, then read-only.
	loop     *loop.Loop
	listener *coroutines.Listener
	handle   func(ctx context.Context, conn *coroutines.Conn)
	acceptor *coroutines.Coroutine

	// Owned by the loop goroutine and the coroutines.
	handlers coroutines.Group
}

// ServeCoroutines listens on addr and calls handle in a coroutine of its
// own for each connection, as a StreamServer(addr, handle) would. When
// handle returns, the connection is closed.
func ServeCoroutines(l *loop.Loop, addr string, reusePort bool, handle func(ctx context.Context, conn *coroutines.Conn)) (*CoroutinesServer, error) {
	listen := coroutines.Listen
	if reusePort {
		listen = coroutines.ListenReusePort
	}
	hub := coroutines.NewHub(l)
	ln, err := listen(hub, addr)
	if err != nil {
		return nil, err
	}
	s := &CoroutinesServer{loop: l, listener: ln, handle: handle}
	s.acceptor = hub.Spawn(s.acceptLoop)
	s.acceptor.SetName("acceptor")
	return s, nil
}

// acceptLoop accepts until the listener is closed (or the acceptor
// killed), spawning a handler for each connection.
func (s *CoroutinesServer) acceptLoop(ctx context.Context) error {
	for {
		conn, err := s.listener.Accept(ctx)
		switch {
		case errors.Is(err, net.ErrClosed) || errors.Is(err, coroutines.ErrKilled) || errors.Is(err, coroutines.ErrHubClosed):
			return nil // Close
		case err != nil:
			// Such as EMFILE: report it, and pause, or the loop would
			// spin as long as the fds run short.
			s.loop.ReportError(fmt.Errorf("examples: accept: %w", err))
			if err := coroutines.Sleep(ctx, acceptRetry); err != nil {
				return nil
			}
			continue
		}
		s.handlers.Spawn(ctx, func(ctx context.Context) error {
			defer conn.Close()
			s.handle(ctx, conn)
			return nil
		})
	}
}

// Addr returns the address the server listens on.
func (s *CoroutinesServer) Addr() string { return s.listener.Addr().String() }

// Close stops listening and kills the acceptor and every handler; each
// handler's blocking call returns coroutines.ErrKilled, and its deferred
// calls close its connection.
func (s *CoroutinesServer) Close() {
	s.listener.Close()
	s.acceptor.Kill()
	s.handlers.Kill()
}
