package main

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/loopserver"
)

// A greeter is the program's server, one per loop: it tells each client
// which loop it landed on and which OS thread runs that loop, then sends
// back what the client sends. It counts each loop's connections for the
// demo.
type greeter struct {
	mu    sync.Mutex // guards loops: serve runs on each loop's goroutine
	loops []*loopStats
}

// loopStats is what the greeter knows of one loop.
type loopStats struct {
	number int
	thread string       // the OS thread serve ran on, or "n/a"
	conns  atomic.Int64 // connections accepted
}

// serve is the greeter's loopserver.Serve: Serve calls it on each loop's
// goroutine, before the loop runs.
func (g *greeter) serve(l *loop.Loop, addr string, reusePort bool) (loopserver.Server, error) {
	g.mu.Lock()
	st := &loopStats{number: len(g.loops) + 1, thread: thread()}
	g.loops = append(g.loops, st)
	g.mu.Unlock()
	return loopserver.ServeCallbacks(l, addr, reusePort, func(c *callbacks.Conn) (onClose func(error)) {
		st.conns.Add(1)
		c.Write([]byte(fmt.Sprintf("loop %d, OS thread %s: what you send comes back\n", st.number, st.thread)), nil)
		c.OnRead(func(data []byte, err error) {
			if err != nil {
				c.Close() // at the end of the stream, once the echo is written
				return
			}
			c.Write(data, nil)
		})
		return nil
	})
}

// stats returns the loops' stats, in the order they started.
func (g *greeter) stats() []*loopStats {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.loops
}

// thread names the OS thread running the caller.
func thread() string {
	if id, ok := threadID(); ok {
		return fmt.Sprint(id)
	}
	return "n/a"
}
