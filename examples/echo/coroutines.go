package echo

import (
	"context"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/loop"
)

// serveCoroutines is the echo server in the style of coroutines (package
// coroutines), on one loop: gevent's StreamServer, one coroutine per
// connection, whose Read and Write read like blocking calls and park the
// coroutine until the loop finds the socket ready. The code is the
// goroutines style's; the waiting is the loop's. It makes the loop,
// listens, tells the harness where and how to stop, and runs the loop
// until stopped.
func serveCoroutines(run *examples.Run) error {
	l, err := loop.New(run.LoopOptions...)
	if err != nil {
		return err
	}
	defer l.Close()
	hub := coroutines.NewHub(l)
	server, err := coroutines.NewStreamServer(hub, run.Addr, echoCoroutines, coroutines.ReusePort(run.ReusePort))
	if err != nil {
		return err
	}
	server.Start().SetName("acceptor")
	// Close kills every handler: each one's blocking call returns
	// coroutines.ErrKilled, and its connection is closed.
	run.Serving(l, hub, server.Addr(), func() { server.Close() })
	return l.Run()
}

// echoCoroutines serves one connection: it reads what has arrived and
// writes it back, until the client closes or the connection fails. It
// returns nil even then: a client that leaves is no error of the server's.
// Its buffer is on the heap, as the goroutines style's is (see newBuffer).
func echoCoroutines(ctx context.Context, conn *coroutines.Conn) error {
	buf := newBuffer()
	for {
		n, err := conn.Read(ctx, buf)
		if n > 0 {
			if _, err := conn.Write(ctx, buf[:n]); err != nil {
				return nil
			}
		}
		if err != nil {
			return nil
		}
	}
}

// newBuffer returns a read buffer on the heap. A coroutine's stack is a
// goroutine's, 8 KiB to start with and doubled by copying as it grows: a
// 32 KiB array in the handler's frame would make every coroutine's stack
// 64 KiB, zeroed and copied whole, where a heap buffer holds only the pages
// reads have touched. At 1000 connections the server held 52 MB with the
// buffer on the stack and 25 MB with it here (docs/coroutines.md).
//
// It must not be inlined: the compiler would then see that the buffer
// never leaves the handler's frame, and keep it there.
//
//go:noinline
func newBuffer() []byte { return make([]byte, bufferSize) }
