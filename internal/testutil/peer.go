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

// RoundTrip is the independent client of the echo tests, on Go's net: it
// dials addr on network ("tcp", "unix"), writes the chunks from a goroutine
// of its own (so that a full send buffer cannot deadlock it against its own
// reading), half-closes, and returns everything it read until end of file,
// all within Deadline.
func RoundTrip(network, addr string, chunks [][]byte) ([]byte, error) {
	conn, err := net.Dial(network, addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(Deadline())
	written := make(chan error, 1)
	go func() {
		for _, chunk := range chunks {
			if _, err := conn.Write(chunk); err != nil {
				written <- err
				return
			}
		}
		written <- conn.(interface{ CloseWrite() error }).CloseWrite()
	}()
	got, err := io.ReadAll(conn)
	if werr := <-written; err == nil {
		err = werr
	}
	return got, err
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
