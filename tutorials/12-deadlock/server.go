package main

import (
	"context"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

// A chatServer is the chat on a loop of its own: a coroutines.StreamServer
// whose handler is the chat under study, the hub its coroutines run on,
// and the loop. The program and the checks run it the same way.
type chatServer struct {
	loop   *loop.Loop
	hub    *coroutines.Hub
	server *coroutines.StreamServer
}

// newChatServer listens on addr and will serve each connection with handle,
// in a coroutine named handler(ADDRESS), once run. The loop's errors go to
// onError.
func newChatServer(addr string, handle func(ctx context.Context, conn *coroutines.Conn) error, onError func(error)) (*chatServer, error) {
	l, err := loop.New(loop.WithErrorHandler(onError))
	if err != nil {
		return nil, err
	}
	h := coroutines.NewHub(l)
	srv, err := coroutines.NewStreamServer(h, addr, handle)
	if err != nil {
		l.Close()
		return nil, err
	}
	srv.Start().SetName("acceptor")
	return &chatServer{loop: l, hub: h, server: srv}, nil
}

// run runs the loop until nothing is left to wait for and returns Run's
// error: nil, or a *coroutines.DeadlockError naming the coroutines left
// parked on something nobody will ever release. Then it kills those
// (Hub.Close) and closes the loop, so that nothing is left behind either
// way.
func (s *chatServer) run() error {
	err := s.hub.Run()
	s.hub.Close()
	if cerr := s.loop.Close(); err == nil {
		err = cerr
	}
	return err
}

// stop stops the server gracefully, from any goroutine: it stops accepting
// and waits for every handler to end by itself (StreamServer.Stop, in a
// coroutine named "stop"). Once the last user has left, the loop has
// nothing left to wait for, and run returns.
func (s *chatServer) stop() error {
	return s.loop.CallSoonThreadSafe(func() { s.hub.Spawn(s.server.Stop).SetName("stop") })
}

// kill stops the server at once, from any goroutine: the handlers are
// killed, and with them the readers and writers.
func (s *chatServer) kill() error {
	return s.loop.CallSoonThreadSafe(func() { s.server.Close() })
}
