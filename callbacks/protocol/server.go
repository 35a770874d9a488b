package protocol

import (
	"fmt"
	"net/netip"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/loop"
)

// A Server accepts connections, TCP or Unix-domain, and gives each a
// Protocol of its own. It keeps its connections, so that Close can end them
// all: the way to shut a server down before closing its loop.
type Server struct {
	// Set by Serve, then read-only.
	listener *callbacks.Listener
	factory  func() Protocol

	// Owned by the loop goroutine.
	conns  map[*transport]struct{} // open connections, removed by ConnectionLost
	closed bool
}

// Serve listens on addr, a TCP "host:port" or a Unix-domain socket's path
// ("unix:/tmp/chat.sock"), and, for each connection, calls factory for a
// new Protocol and then its ConnectionMade. opts go to callbacks.Listen, which
// opens the socket (callbacks.ReusePort). An address in use is an error
// that names it. A factory that panics aborts the connection it was called
// for, which then never had a protocol.
func Serve(l *loop.Loop, addr string, factory func() Protocol, opts ...callbacks.ListenOption) (*Server, error) {
	if factory == nil {
		return nil, fmt.Errorf("protocol: Serve(%q): nil factory", addr)
	}
	s := &Server{factory: factory, conns: make(map[*transport]struct{})}
	ln, err := callbacks.Listen(l, addr, s.accept, opts...)
	if err != nil {
		return nil, fmt.Errorf("protocol: %w", err)
	}
	s.listener = ln
	return s, nil
}

// accept gives a new connection its protocol.
func (s *Server) accept(c *callbacks.Conn) {
	t := newTransport(c, s.factory(), s)
	s.conns[t] = struct{}{}
	t.start()
}

// Addr returns the address the server listens on: the zero AddrPort for a
// Unix-domain socket, which has none (see Path).
func (s *Server) Addr() netip.AddrPort { return s.listener.Addr() }

// Path returns the path of the server's socket file, or "" if it listens
// on TCP. The server's Close removes the file.
func (s *Server) Path() string { return s.listener.Path() }

// Close stops listening and closes every connection: each writes what it
// has buffered, then closes, and its protocol gets ConnectionLost(nil).
// The loop's Run returns once they are all closed, if nothing else waits.
// Close after Close does nothing.
func (s *Server) Close() {
	s.shutDown((*transport).Close)
}

// Abort stops listening and aborts every connection: buffers are dropped and
// peers get a reset. Use it when peers may never read what Close would wait
// to write.
func (s *Server) Abort() {
	s.shutDown((*transport).Abort)
}

func (s *Server) shutDown(end func(*transport)) {
	if !s.closed {
		s.closed = true
		s.listener.Close()
	}
	for t := range s.conns {
		end(t)
	}
}

// Connections returns the number of connections the server has open.
func (s *Server) Connections() int { return len(s.conns) }
