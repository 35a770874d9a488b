package main

import (
	"strings"
	"testing"
	"time"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// A server is a protocol.Server on a kit loop of its own, for one check.
// The loop runs on the test goroutine (run); the check's client runs in a
// goroutine of its own and talks to it over loopback with package net.
type server struct {
	l        *loop.Loop
	srv      *protocol.Server
	problems []string      // what the loop reported; loop goroutine only, until run returns
	failed   chan struct{} // closed at the first problem: the check's client need not wait
}

// startServer serves on a free port; factory makes each connection's
// protocol, and may keep s to stop the server.
func startServer(t *testing.T, factory func(s *server) protocol.Protocol) *server {
	t.Helper()
	s := &server{failed: make(chan struct{})}
	l, err := loop.New(loop.WithErrorHandler(func(err error) {
		// A problem (a TODO's panic) ends the check: the server is
		// aborted, so that nothing waits for it.
		if len(s.problems) == 0 {
			close(s.failed)
			s.l.CallSoonThreadSafe(s.srv.Abort)
		}
		s.problems = append(s.problems, todo.Reported(err).Error())
	}))
	if err != nil {
		t.Fatal(err)
	}
	s.l = l
	t.Cleanup(func() { l.Close() })
	srv, err := protocol.Serve(l, "127.0.0.1:0", func() protocol.Protocol { return factory(s) })
	if err != nil {
		t.Fatal(err)
	}
	s.srv = srv
	return s
}

// run starts client with the server's address, runs the loop until it has
// nothing left to wait for (the check closes the server when it has seen
// what it waits for), and returns the client's error. A loop still running
// after the bound is stopped, and the check fails.
func (s *server) run(t *testing.T, client func(addr string) error) error {
	t.Helper()
	clientErr := make(chan error, 1)
	addr := s.srv.Addr().String()
	go func() { clientErr <- client(addr) }()
	bound := steptest.Scale(10 * time.Second)
	stuck := time.AfterFunc(bound, func() { s.l.CallSoonThreadSafe(s.srv.Abort) })
	err := s.l.Run()
	if !stuck.Stop() {
		t.Errorf("the connection was still open %v after the check began, so the server was aborted: "+
			"did ConnectionLost come? (a protocol method that panicked, or a connection never closed)", bound)
	}
	if err != nil {
		t.Fatal(err)
	}
	if len(s.problems) > 0 {
		t.Errorf("the loop reported:\n  %s", strings.Join(s.problems, "\n  "))
	}
	return <-clientErr
}

// A recordingProtocol stands between the transport and the protocol under
// check. It logs the transport's calls that open and end a connection,
// hands the protocol a watchedTransport, and lets the check act when the
// connection is lost or writing resumes.
type recordingProtocol struct {
	inner     lineProtocol
	log       *[]string
	transport *watchedTransport
	onLost    func()
	onResume  func()
	high, low int // if high > 0, the write buffer's marks, set before ConnectionMade
}

func (r *recordingProtocol) ConnectionMade(t protocol.Transport) {
	*r.log = append(*r.log, "ConnectionMade")
	r.transport = &watchedTransport{Transport: t}
	if r.high > 0 {
		if err := t.SetWriteBufferLimits(r.high, r.low); err != nil {
			panic(err)
		}
	}
	r.inner.ConnectionMade(r.transport)
}

func (r *recordingProtocol) DataReceived(data []byte)     { r.inner.DataReceived(data) }
func (r *recordingProtocol) EOFReceived() (keepOpen bool) { return r.inner.EOFReceived() }
func (r *recordingProtocol) PauseWriting()                { r.inner.PauseWriting() }

func (r *recordingProtocol) ConnectionLost(err error) {
	*r.log = append(*r.log, "ConnectionLost "+errorKind(err))
	if r.onLost != nil {
		defer r.onLost() // even if the protocol's ConnectionLost panics
	}
	r.inner.ConnectionLost(err)
}

func (r *recordingProtocol) ResumeWriting() {
	r.inner.ResumeWriting()
	if r.onResume != nil {
		r.onResume()
	}
}

// A watchedTransport is the real transport, watched: it keeps the largest
// write buffer seen after a Write.
type watchedTransport struct {
	protocol.Transport
	maxBuffered int
	writes      int
}

func (w *watchedTransport) Write(data []byte) {
	w.Transport.Write(data)
	w.writes++
	w.maxBuffered = max(w.maxBuffered, w.Transport.WriteBufferSize())
}
