package examples

import (
	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/loop"
)

// A CallbacksServer is the server of the callbacks style on one loop: a
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
