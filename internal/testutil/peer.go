package testutil

import (
	"io"
	"net"
	"sync"
	"testing"
)

// EchoServer starts a TCP echo server on addr ("127.0.0.1:0", "[::1]:0")
// built on Go's net package, a goroutine per connection, independent of the
// kit: the peer the kit's clients are tested against. It returns the address
// it listens on. When t ends it stops listening, closes every connection and
// waits for its goroutines.
func EchoServer(t testing.TB, addr string) string {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("EchoServer: net.Listen(%q): %v", addr, err)
	}
	s := &echoServer{ln: ln, conns: make(map[net.Conn]bool)}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.close)
	return ln.Addr().String()
}

type echoServer struct {
	ln net.Listener
	wg sync.WaitGroup // the accept loop and one per connection

	mu     sync.Mutex // guards conns and closed
	conns  map[net.Conn]bool
	closed bool
}

func (s *echoServer) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return // the listener was closed
		}
		if !s.track(c) {
			c.Close()
			return
		}
		s.wg.Add(1)
		go s.echo(c)
	}
}

// echo copies what c reads back to it until end of file, then closes c: a
// half-close by the client is answered once everything is echoed.
//
// The copy goes through a plain buffer: given two TCP conns, io.Copy would
// splice(2) through a pipe that Go keeps in a pool, and those pipes would
// look like fds leaked by the test.
func (s *echoServer) echo(c net.Conn) {
	defer s.wg.Done()
	io.CopyBuffer(struct{ io.Writer }{c}, struct{ io.Reader }{c}, make([]byte, 32<<10))
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	c.Close()
}

func (s *echoServer) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = true
	return true
}

func (s *echoServer) close() {
	s.ln.Close()
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// ClosedPort returns a loopback address on which nothing listens: a port
// that was free a moment ago. Connecting to it is refused.
func ClosedPort(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("ClosedPort: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// HasIPv6 reports whether this machine can listen on the IPv6 loopback
// address [::1].
func HasIPv6() bool {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		return false
	}
	ln.Close()
	return true
}
