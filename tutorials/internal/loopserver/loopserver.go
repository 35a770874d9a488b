// Package loopserver is the server on one loop that tutorial steps build
// on: a callbacks listener that keeps its connections, so that one call,
// Close, stops listening and ends them all and the loop's Run returns
// (steps 05, 10, 11 and 13); and what step 13 asks of a server on each of
// its loops (Serve, Server). None of it is the lesson of a step, so it
// lives here once. The kit's example programs do the same in sight, in each
// style's file (examples/echo/callbacks.go).
package loopserver

import (
	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/loop"
)

// A Server is a server on one loop. Its methods are called on the loop
// goroutine.
type Server interface {
	// Addr returns the address it listens on.
	Addr() string
	// Close stops listening and closes every connection, so that nothing
	// is left for the loop to wait for and its Run returns.
	Close()
}

// A Serve starts a server on l, listening on addr. It runs on l's
// goroutine, before l runs. reusePort asks for a listener with
// SO_REUSEPORT, which every loop of a server on several loops needs.
type Serve func(l *loop.Loop, addr string, reusePort bool) (Server, error)

// A CallbacksServer is a server of the callbacks front end on one loop: a
// callbacks.Listener, and the connections it accepted, kept so that Close
// can end them (a Listener's Close, like Node's server.close, leaves them
// open).
type CallbacksServer struct {
	// Set by ServeCallbacks, then read-only.
	listener *callbacks.Listener
	accept   func(*callbacks.Conn) func(error)

	// Owned by the loop goroutine.
	conns map[*callbacks.Conn]struct{}
}

// ServeCallbacks listens on addr and gives each connection to accept, which
// sets its callbacks. The server owns each connection's OnClose: accept
// returns what to call when the connection closes (nil: nothing).
func ServeCallbacks(l *loop.Loop, addr string, reusePort bool, accept func(*callbacks.Conn) (onClose func(error))) (*CallbacksServer, error) {
	s := &CallbacksServer{accept: accept, conns: make(map[*callbacks.Conn]struct{})}
	ln, err := callbacks.Listen(l, addr, s.onAccept, callbacks.ReusePort(reusePort))
	if err != nil {
		return nil, err
	}
	s.listener = ln
	return s, nil
}

// onAccept keeps c until it closes, and hands it to accept.
func (s *CallbacksServer) onAccept(c *callbacks.Conn) {
	s.conns[c] = struct{}{}
	onClose := s.accept(c)
	c.OnClose(func(err error) {
		delete(s.conns, c)
		if onClose != nil {
			onClose(err)
		}
	})
}

// Addr returns the address the server listens on.
func (s *CallbacksServer) Addr() string { return s.listener.Addr().String() }

// Close stops listening and aborts every connection still open.
func (s *CallbacksServer) Close() {
	s.listener.Close()
	for c := range s.conns {
		c.Abort()
	}
}
