package fetch

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// A LocalServer is an HTTP server on 127.0.0.1 to fetch from: for the tests
// (fetchtest), for loopkit run's demonstration and for loopkit compare.
// It counts the requests in flight, so that a test can check a pool's limit
// without a stopwatch, and it can hold requests at a gate until enough are
// in flight at once, which proves that the client overlaps them.
//
// Paths: /ok/NAME answers 200 with the body "body of NAME"; /missing
// answers 404; /hang answers only when the client gives up (or the server
// closes). Every answer waits Delay first.
type LocalServer struct {
	*httptest.Server
	delay time.Duration // set by NewLocalServer

	mu          sync.Mutex // guards the counters and the gate
	inFlight    int
	maxInFlight int
	gateAt      int           // hold requests until this many are in flight; 0: no gate
	gate        chan struct{} // closed when the gate opens
	closing     chan struct{} // closed by Close: /hang returns
}

// NewLocalServer starts a LocalServer whose every answer waits delay.
func NewLocalServer(delay time.Duration) *LocalServer {
	s := &LocalServer{delay: delay, closing: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close makes held requests return, then closes the server.
func (s *LocalServer) Close() {
	close(s.closing)
	s.Server.Close()
}

// URLOf returns the URL of path on the server.
func (s *LocalServer) URLOf(path string) string { return s.URL + path }

// SetGate holds every request until n are in flight at once; then all go
// on, and so do later ones. A gate that is never reached opens after
// gateWait, so a client that does not overlap its requests fails the
// test's count instead of hanging it.
func (s *LocalServer) SetGate(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gateAt = n
	s.gate = make(chan struct{})
}

// MaxInFlight returns the most requests that were in flight at once.
func (s *LocalServer) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

func (s *LocalServer) serve(w http.ResponseWriter, r *http.Request) {
	gate := s.enter()
	defer s.leave()
	select {
	case <-gate:
	case <-time.After(gateWait):
	}
	time.Sleep(s.delay)
	switch {
	case strings.HasPrefix(r.URL.Path, "/ok/"):
		fmt.Fprintf(w, "body of %s", strings.TrimPrefix(r.URL.Path, "/ok/"))
	case r.URL.Path == "/hang":
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
	default:
		http.NotFound(w, r)
	}
}

// enter counts a request in, opens the gate if it is the one the gate
// waits for, and returns the gate to wait at (nil: none, a closed channel).
func (s *LocalServer) enter() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	if s.gate == nil {
		return closed
	}
	if s.inFlight >= s.gateAt {
		select {
		case <-s.gate:
		default:
			close(s.gate)
		}
	}
	return s.gate
}

func (s *LocalServer) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
}

// gateWait is how long a request waits at a gate that is never reached:
// the bound of the tests' clients (fetchtest.Bound) on a machine that is
// not slow.
const gateWait = 20 * time.Second

var closed = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()
