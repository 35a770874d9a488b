package examples

import (
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/loopkit/loopkit/internal/sock"
)

// A StreamServer is the server of the goroutines style: an accept loop that
// starts one goroutine per connection, as gevent's StreamServer spawns one
// greenlet per connection. Go's net package has the pieces but not the
// whole: this is the whole, with a Close that ends every connection and
// waits for every goroutine, so that tests can see nothing is leaked.
type StreamServer struct {
	// Set by ServeStream, then read-only.
	listener net.Listener
	handle   func(net.Conn)
	onError  func(error)

	handlers sync.WaitGroup // the accept loop and every handler

	// Owned by the accept loop.
	reported time.Time // when the last Accept error was reported
	quiet    int       // Accept errors since then, not reported

	mu     sync.Mutex // guards conns and closed
	conns  map[net.Conn]struct{}
	closed bool
}

// acceptRetry is how long the accept loop pauses after an error of Accept
// (net/http's Server waits 5 ms, doubling up to 1 s).
const acceptRetry = 5 * time.Millisecond

// reportEvery is the least time between two reports of Accept errors: out
// of fds, Accept fails every acceptRetry, and a line each would be 200 a
// second. It is the chat's rule (chatroom.Reporter): one line a second,
// counting the others.
const reportEvery = time.Second

// ServeStream listens on addr (TCP's "host:port", or a Unix-domain socket's
// "unix:PATH") and calls handle in a goroutine of its own for each
// connection. When handle returns, the connection is closed. Errors of
// Accept other than Close's go to onError (nil: standard error).
func ServeStream(addr string, onError func(error), handle func(net.Conn)) (*StreamServer, error) {
	// On a path, Go's net removes the socket file at Close, but, unlike
	// the kit's listeners, does not remove a stale one at Listen.
	l, err := net.Listen(sock.SplitNetwork(addr))
	if err != nil {
		return nil, err
	}
	s := &StreamServer{listener: l, handle: handle, onError: OrPrint(onError), conns: make(map[net.Conn]struct{})}
	s.handlers.Add(1)
	go s.acceptLoop()
	return s, nil
}

// Addr returns the address the server listens on: "host:port", or
// "unix:PATH".
func (s *StreamServer) Addr() string {
	if a, ok := s.listener.Addr().(*net.UnixAddr); ok {
		return "unix:" + a.Name
	}
	return s.listener.Addr().String()
}

// Close stops accepting, closes every connection (each handler then sees an
// error from its next Read or Write and returns), and waits for the
// handlers.
func (s *StreamServer) Close() error {
	s.mu.Lock()
	s.closed = true
	err := s.listener.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.handlers.Wait()
	return err
}

// acceptLoop accepts until the listener is closed, doing for each
// connection: remember it (so that Close can close it), then start its
// handler.
func (s *StreamServer) acceptLoop() {
	defer s.handlers.Done()
	for {
		c, err := s.listener.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			// Such as EMFILE: report it, and go on after a pause, or
			// the loop would spin as long as the fds run short.
			s.reportAccept(err)
			time.Sleep(acceptRetry)
			continue
		}
		if !s.track(c) {
			c.Close()
			return
		}
		s.handlers.Add(1)
		go s.serve(c)
	}
}

// reportAccept reports an error of Accept, unless a report went out less
// than reportEvery ago: then it counts it, for the next report.
func (s *StreamServer) reportAccept(err error) {
	now := time.Now()
	if now.Sub(s.reported) < reportEvery {
		s.quiet++
		return
	}
	if s.quiet > 0 {
		err = fmt.Errorf("%w (and %d more since the last report)", err, s.quiet)
	}
	s.reported, s.quiet = now, 0
	s.onError(err)
}

// track adds c to the connections Close will close; false means Close has
// already run.
func (s *StreamServer) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *StreamServer) serve(c net.Conn) {
	defer s.handlers.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	s.handle(c)
}

// OrPrint returns onError, or, if it is nil, a handler that prints to
// standard error as the loop's default does. Every style and program of
// examples sends its errors through it.
func OrPrint(onError func(error)) func(error) {
	if onError != nil {
		return onError
	}
	return func(err error) { fmt.Fprintf(os.Stderr, "loopkit: %v\n", err) }
}
