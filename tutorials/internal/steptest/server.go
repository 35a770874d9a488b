package steptest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// A Server is a program under check that serves on Addr from goroutines the
// check started with Go: an accept loop, an event loop. It collects what
// goes wrong inside them (a TODO panic, an error returned, an error the
// program's error handler got) so that a client that gets no answer can say
// why, and it stops the program when the test ends.
type Server struct {
	Addr string // host:port, for net.Dial

	t     testing.TB
	bound time.Duration
	wg    sync.WaitGroup

	failed chan struct{} // closed at the first problem: clients stop waiting

	mu       sync.Mutex // guards the fields below
	problems []string   // what went wrong, in order
	shown    int        // problems already printed by a client's failure
	stop     func()
	state    func() string
	stopped  bool
}

// NewServer returns a Server for a program that will listen on addr. The
// test's cleanup stops it (see Stop).
func NewServer(t testing.TB, addr string) *Server {
	t.Helper()
	s := &Server{Addr: addr, t: t, bound: Scale(5 * time.Second), failed: make(chan struct{})}
	t.Cleanup(s.Stop)
	return s
}

// Go runs fn on a goroutine of its own. If fn panics (a skeleton's TODO is
// reported as "not implemented yet") or returns an error, that is a problem
// of the server, reported when the test ends or when a client fails.
func (s *Server) Go(name string, fn func() error) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		var err error
		if problem := todo.Catch(func() { err = fn() }); problem != "" {
			s.Report(fmt.Errorf("%s", problem))
		} else if err != nil {
			s.Report(fmt.Errorf("%s returned: %w", name, err))
		}
	}()
}

// OnStop sets how to stop the program: close its listener, stop its loop.
// Stop calls it once, then waits for the goroutines started by Go.
func (s *Server) OnStop(stop func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stop = stop
}

// OnState sets a function that describes the program's state (a loop's
// waiters, timers and ready queue). A client that times out prints it.
func (s *Server) OnState(state func() string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = state
}

// Report records a problem of the program: give it as the error handler of
// a loop, or call it from the program's goroutines. Safe from any
// goroutine.
func (s *Server) Report(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.problems) == 0 {
		close(s.failed)
	}
	s.problems = append(s.problems, err.Error())
}

// Problems returns what went wrong in the program so far, one per line,
// and marks it shown so that Stop does not print it again; "" if nothing.
func (s *Server) Problems() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shown = len(s.problems)
	return strings.Join(s.problems, "\n")
}

// Explain returns what a client that failed should add to its message: the
// server's problems and state, or "".
func (s *Server) Explain() string {
	var b strings.Builder
	if p := s.Problems(); p != "" {
		fmt.Fprintf(&b, "\n  the server reported:\n    %s", strings.ReplaceAll(p, "\n", "\n    "))
	}
	s.mu.Lock()
	state := s.state
	s.mu.Unlock()
	if state != nil {
		fmt.Fprintf(&b, "\n  server state: %s", state())
	}
	return b.String()
}

// Stop stops the program (the function given to OnStop), waits for its
// goroutines to return, and fails the test with any problem not shown yet.
// A goroutine that does not return within the bound is reported by name.
// Stop runs by itself when the test ends; calling it twice is harmless.
func (s *Server) Stop() {
	s.t.Helper()
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	stop := s.stop
	s.mu.Unlock()
	if stop != nil {
		if problem := todo.Catch(stop); problem != "" {
			s.Report(fmt.Errorf("stopping: %s", problem))
		}
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(s.bound):
		s.Report(fmt.Errorf("the server's goroutines did not return within %v of being stopped "+
			"(is a connection still being served? is the loop stuck in Wait?)", s.bound))
	}
	s.mu.Lock()
	rest := s.problems[s.shown:]
	s.shown = len(s.problems)
	s.mu.Unlock()
	for _, p := range rest {
		s.t.Errorf("the server reported: %s", p)
	}
}

// Failed returns a channel closed when the server reports its first
// problem: a client waiting for an answer can stop waiting, since none will
// come from a server whose code panicked.
func (s *Server) Failed() <-chan struct{} { return s.failed }
