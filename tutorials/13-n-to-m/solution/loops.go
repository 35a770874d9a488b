// Package multiloop is n connections on m loops, tutorial step 13: m
// loops, each on an OS thread of its own with a poller of its own, all
// listening on one port. The kernel spreads the connections among them
// (SO_REUSEPORT), and each loop serves its own, alone: no lock, no
// hand-over, and m cores busy instead of one. It is the design of nginx's
// worker processes, of Envoy, and of gnet's multicore mode, inside one Go
// process: the seed talk's "n to m concurrency".
//
// The kit's own version is examples.Start, which `loopkit run
// --loops M` and `loopkit compare` use.
package multiloop

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/loopserver"
)

// Serve starts cfg.Loops loops (at least one) and the server serve makes on
// each, all listening on cfg.Addr, and returns once every server listens.
// Each loop has an OS thread and a poller of its own, and serve is called
// on the loop's goroutine, on that thread, before the loop runs; from then
// on the loop and every callback of it run there. The loops run until
// Close.
func Serve(cfg examples.Config, serve loopserver.Serve) (examples.Server, error) {
	n := max(cfg.Loops, 1)
	g := &Group{}
	addr := cfg.Addr
	for i := range n {
		r, err := startLoop(cfg, serve, addr)
		if err != nil {
			g.Close()
			return nil, fmt.Errorf("loop %d of %d: %w", i+1, n, err)
		}
		g.loops = append(g.loops, r)
		// Port 0 picks a free port: the first loop's. The others must
		// listen on that one, not pick their own.
		addr = r.server.Addr()
	}
	return g, nil
}

// A Group is the running loops of Serve.
type Group struct {
	loops []*runningLoop // set by Serve, then read-only
}

// A runningLoop is one loop of a Group, its server, and the result of its
// run.
type runningLoop struct {
	loop   *loop.Loop
	server loopserver.Server
	ended  chan error // receives the loop's result once it has stopped and closed
}

// startLoop starts a goroutine that locks itself to its OS thread, makes a
// loop there (and with it, a poller), starts serve's server on it with
// SO_REUSEPORT, and runs the loop until it has nothing left to wait for.
// It returns once the server listens, or failed to.
func startLoop(cfg examples.Config, serve loopserver.Serve, addr string) (*runningLoop, error) {
	r := &runningLoop{ended: make(chan error, 1)}
	started := make(chan error, 1)
	go func() {
		// The thread runs this goroutine and nothing else, from here to
		// the end: the loop's poll, and every callback.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		l, err := cfg.NewLoop(cfg.Backend, cfg.OnError) // with cfg's Hooks, as examples.Start's loops
		if err != nil {
			started <- err
			return
		}
		srv, err := serve(l, addr, true) // every loop's listener needs SO_REUSEPORT
		if err != nil {
			l.Close()
			started <- err
			return
		}
		r.loop, r.server = l, srv
		started <- nil
		err = l.Run()
		if cerr := l.Close(); err == nil {
			err = cerr
		}
		r.ended <- err
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return r, nil
}

// Addr returns the address the loops listen on.
func (g *Group) Addr() string {
	if len(g.loops) == 0 {
		return ""
	}
	return g.loops[0].server.Addr()
}

// Close closes every loop's server, on that loop's goroutine, and waits for
// every loop to stop: a server closed has nothing left for its loop to wait
// for, so the loop's Run returns. It returns the errors the loops ended
// with.
func (g *Group) Close() error {
	for _, r := range g.loops {
		// The server belongs to its loop's goroutine: hand it the call.
		r.loop.CallSoonThreadSafe(r.server.Close)
	}
	var errs []error
	for i, r := range g.loops {
		if err := <-r.ended; err != nil {
			errs = append(errs, fmt.Errorf("loop %d: %w", i+1, err))
		}
	}
	return errors.Join(errs...)
}
