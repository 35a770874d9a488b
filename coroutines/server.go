package coroutines

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"
)

// A StreamServer is gevent's StreamServer: it accepts connections (TCP, or
// Unix-domain on a path) and runs handler for each in a coroutine of its
// own, so the handler reads as a blocking server written for one client,
// and a thousand clients are a thousand parked coroutines in one loop. The
// server closes each connection when its handler returns.
//
//	srv, err := coroutines.NewStreamServer(h, "127.0.0.1:7000", echo, coroutines.WithMaxConns(100))
//	srv.Start()
//	h.Run()
//
// Its methods belong to the loop goroutine and the coroutines.
type StreamServer struct {
	// Set by NewStreamServer, then read-only.
	hub     *Hub
	ln      *Listener
	handler func(ctx context.Context, c *Conn) error
	slots   *Semaphore     // one permit per handler that may run; nil: no limit
	listen  []ListenOption // for Listen

	// Owned by the loop goroutine and the coroutines.
	handlers Group // the handlers running
	stopping bool  // Stop or Close was called: stop accepting
}

// A ServerOption changes how NewStreamServer builds a server: WithMaxConns,
// or a ListenOption (ReusePort), which it passes on to Listen.
type ServerOption interface {
	applyTo(s *StreamServer)
}

// maxConns is the ServerOption of WithMaxConns.
type maxConns int

func (n maxConns) applyTo(s *StreamServer) { s.slots = NewSemaphore(int(n)) }

func (o ListenOption) applyTo(s *StreamServer) { s.listen = append(s.listen, o) }

// WithMaxConns makes the server run at most n handlers at a time (gevent's
// spawn=Pool(n)). While n run, the server stops accepting: new clients wait
// in the kernel's listen backlog, not in the server, until a handler ends.
func WithMaxConns(n int) ServerOption { return maxConns(n) }

// NewStreamServer listens on addr (see Listen) and returns a server that
// will run handler for each connection once started. The handler gets the
// connection and the context of its coroutine; an error it returns goes to
// the loop's error handler, naming the client, and the server goes on.
func NewStreamServer(h *Hub, addr string, handler func(ctx context.Context, c *Conn) error, opts ...ServerOption) (*StreamServer, error) {
	s := &StreamServer{hub: h, handler: handler}
	for _, opt := range opts {
		opt.applyTo(s)
	}
	ln, err := Listen(h, addr, s.listen...)
	if err != nil {
		return nil, err
	}
	s.ln = ln
	return s, nil
}

// Addr returns the address the server listens on: the zero AddrPort for a
// Unix-domain socket, which has none (see Path).
func (s *StreamServer) Addr() netip.AddrPort { return s.ln.Addr() }

// Path returns the path of the server's socket file, or "" if it listens
// on TCP. Closing the server removes the file.
func (s *StreamServer) Path() string { return s.ln.Path() }

// Start spawns a coroutine that runs Serve, and returns it. gevent's start.
func (s *StreamServer) Start() *Coroutine { return s.hub.Spawn(s.Serve) }

// acceptRetryDelay is how long Serve waits after an accept error that may
// pass, such as running out of fds, before it accepts again: retrying at
// once would spin, each attempt failing the same way, while the
// connections that hold the fds need the loop to finish.
const acceptRetryDelay = 100 * time.Millisecond

// Serve accepts connections in the coroutine of ctx until Stop or Close,
// then returns nil. gevent's serve_forever. It does, for each connection:
//   - wait for a handler slot, if the server has a limit;
//   - accept the next connection;
//   - spawn the handler's coroutine, which gives the slot back when done.
func (s *StreamServer) Serve(ctx context.Context) error {
	for !s.stopping {
		if s.slots != nil {
			if err := s.slots.Acquire(ctx); err != nil {
				return err
			}
		}
		c, err := s.ln.Accept(ctx)
		if err != nil {
			s.release()
			if err := s.acceptFailed(ctx, err); err != nil {
				return err
			}
			continue
		}
		s.spawnHandler(ctx, c)
	}
	return nil
}

// acceptFailed decides what an Accept error means: the end of serving
// (Stop closed the listener, ctx is done), or a passing shortage of fds
// or memory, which is reported and waited out.
func (s *StreamServer) acceptFailed(ctx context.Context, err error) error {
	switch {
	case s.stopping:
		return nil
	case errors.Is(err, unix.EMFILE), errors.Is(err, unix.ENFILE),
		errors.Is(err, unix.ENOBUFS), errors.Is(err, unix.ENOMEM):
		s.hub.loop.ReportError(fmt.Errorf("coroutines: StreamServer %s: %w; accepting again in %v", s.ln.bound, err, acceptRetryDelay))
		return Sleep(ctx, acceptRetryDelay)
	}
	return err
}

// client names c's client in coroutine names and errors: its address, or,
// for a Unix-domain connection, whose client end has no name, its fd.
func client(c *Conn) string {
	if c.remote.IsValid() {
		return c.remote.String()
	}
	return fmt.Sprintf("unix fd %d", c.fd)
}

// spawnHandler runs the handler for c in a new coroutine of the group.
// Link, which runs however the coroutine ends (even killed before it
// started), closes c, if the handler did not, and gives back the slot.
func (s *StreamServer) spawnHandler(ctx context.Context, c *Conn) {
	co := s.handlers.Spawn(ctx, func(ctx context.Context) error {
		defer c.Close()
		err := s.handler(ctx, c)
		s.report(c, err)
		return err
	})
	co.SetName("handler(" + client(c) + ")")
	co.Link(func(*Coroutine) {
		if !c.closed {
			c.Close()
		}
		s.release()
	})
}

// release gives back a handler slot.
func (s *StreamServer) release() {
	if s.slots != nil {
		s.slots.Release()
	}
}

// report hands a handler's error to the loop's error handler, except the
// errors Stop itself causes (a kill, a closed connection).
func (s *StreamServer) report(c *Conn, err error) {
	if err == nil {
		return
	}
	if s.stopping && (errors.Is(err, ErrKilled) || errors.Is(err, net.ErrClosed)) {
		return
	}
	s.hub.loop.ReportError(fmt.Errorf("coroutines: StreamServer %s: handler for %s: %w", s.ln.bound, client(c), err))
}

// Stop stops the server gracefully, parking the coroutine of ctx: it
// stops accepting (and closes the listener), then waits for the running
// handlers to return. If ctx is done first (give it a WithTimeout for the
// grace period), it kills the handlers still running and waits until they
// have finished; their connections are closed as they do. gevent's
// stop(timeout).
//
// It returns nil if every handler returned by itself, or an error that
// says how many were killed and wraps ctx's cause. Call it from a coroutine
// that is not one of the server's handlers, which Stop waits for: a
// handler that must stop the server spawns a coroutine to do it.
func (s *StreamServer) Stop(ctx context.Context) error {
	co, err := current(ctx)
	if err != nil {
		return err
	}
	s.stopAccepting()
	s.handlers.Join(ctx) // a handler's error was reported already
	n := s.handlers.Len()
	if n == 0 {
		return nil
	}
	cause := co.cancelled(ctx)
	s.handlers.Kill()
	// Killed coroutines finish as soon as they resume; wait for them on
	// the coroutine's own context, which ctx's timeout does not cancel.
	s.handlers.Join(co.Context())
	return fmt.Errorf("coroutines: StreamServer.Stop: killed %d handlers still running: %w", n, cause)
}

// Close stops the server at once: it stops accepting and kills every
// handler, without waiting. Loop callbacks may call it, as may coroutines.
func (s *StreamServer) Close() error {
	s.stopAccepting()
	s.handlers.Kill()
	return nil
}

// stopAccepting closes the listener, which wakes Serve's Accept.
func (s *StreamServer) stopAccepting() {
	if s.stopping {
		return
	}
	s.stopping = true
	s.ln.Close()
}
