package watch

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

// A server serves the page with net/http on a kit loop of its own: its
// listener and connections are coroutines' goroutine-mode sockets
// (Listener.NetListener), so the watcher's waits too happen in a poll
// call, the kit's, never in Go's netpoller. It must not be the loop it
// watches: a held loop could not serve the click that releases it, and
// every frame it sent would be a frame of its own to show.
type server struct {
	// Set by serve, then read-only.
	addr   string
	http   *http.Server
	hub    *coroutines.Hub
	served chan error // http.Server.Serve's return
	ran    chan error // the loop's Run's return
}

// readHeaderTimeout bounds how long a connection may take to send its
// request's headers, so that a client that connects and says nothing
// does not hold a connection for ever. The deadline is a timer of the
// server's loop.
const readHeaderTimeout = 10 * time.Second

// serve starts serving h on addr, on a new loop run by a goroutine of its
// own.
func serve(addr string, h http.Handler) (*server, error) {
	l, err := loop.New()
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	hub := coroutines.NewHub(l)
	ln, err := coroutines.Listen(hub, addr)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("watch: %w", err), l.Close())
	}
	nl := ln.NetListener()
	s := &server{
		addr:   nl.Addr().String(),
		http:   &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout},
		hub:    hub,
		served: make(chan error, 1),
		ran:    make(chan error, 1),
	}
	go func() { s.served <- s.http.Serve(nl) }()
	go func() {
		err := hub.Run()
		s.ran <- errors.Join(err, hub.Close(), l.Close())
	}()
	return s, nil
}

// close closes the listener and every connection, and waits for the loop
// and net/http's goroutines to end.
// The open sockets hold the loop (loop.Hold), so the loop's Run returns
// once the last is closed.
func (s *server) close() error {
	err := s.http.Close()
	if serr := <-s.served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return errors.Join(err, <-s.ran)
}
