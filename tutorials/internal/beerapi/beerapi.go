// Package beerapi is the web service of the gevent talk's callback example,
// get_fruit(beer_id, callback): GET /api/beer answers a beer's id, and GET
// /api/fruit/ID the fruit that goes with that beer. Tutorial steps 05 and
// 07 fetch one, then the other with the first one's answer: "fetch A, then
// B with A's result", once in nested callbacks, once in straight-line code.
//
// It is a peer, not a lesson: Go's net/http on 127.0.0.1, in goroutines of
// its own. It records the paths it was asked for, so that a check can see
// that B's request carried A's answer, and it can reset a connection on
// purpose, so that a check can see where the error goes.
package beerapi

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// The service's one beer and its fruit.
const (
	Beer  = "7"
	Fruit = "apple"
)

// A Server is the service, listening on 127.0.0.1.
type Server struct {
	http *httptest.Server

	mu     sync.Mutex // guards the fields below
	paths  []string   // the paths asked for, in order
	resets map[string]bool
}

// NewServer starts the service. Close it when done.
func NewServer() *Server {
	s := &Server{resets: map[string]bool{}}
	s.http = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the service's base URL, "http://127.0.0.1:PORT", without a slash
// at the end.
func (s *Server) URL() string { return s.http.URL }

// Close stops the service and waits for its goroutines.
func (s *Server) Close() { s.http.Close() }

// ResetOn makes a request for path end in a reset (RST) instead of an
// answer: the server reads the request, then closes the connection with
// SO_LINGER 0, as a crashed or overloaded server does.
func (s *Server) ResetOn(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resets[path] = true
}

// Paths returns the paths asked for so far, in order.
func (s *Server) Paths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.paths...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.paths = append(s.paths, r.URL.Path)
	reset := s.resets[r.URL.Path]
	s.mu.Unlock()
	switch {
	case reset:
		resetConn(w)
	case r.URL.Path == "/api/beer":
		fmt.Fprint(w, Beer)
	case strings.HasPrefix(r.URL.Path, "/api/fruit/") && strings.TrimPrefix(r.URL.Path, "/api/fruit/") == Beer:
		fmt.Fprint(w, Fruit)
	default:
		http.NotFound(w, r)
	}
}

// resetConn takes the connection from net/http and resets it.
func resetConn(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0) // close sends RST, not FIN
	}
	conn.Close()
}
