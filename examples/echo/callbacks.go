package echo

import (
	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/loop"
)

// serveCallbacks is the echo server in the style of raw callbacks (package
// callbacks), on one loop: the loop calls a function when a connection
// comes, another when data arrives, another when the peer has read enough.
// It makes the loop, listens, tells the harness where and how to stop, and
// runs the loop until stopped.
func serveCallbacks(run *examples.Run) error {
	l, err := loop.New(run.LoopOptions...)
	if err != nil {
		return err
	}
	defer l.Close()
	// A Listener's Close, like Node's server.close, leaves the connections
	// open: stop ends them too, so it keeps them.
	conns := make(map[*callbacks.Conn]struct{})
	ln, err := callbacks.Listen(l, run.Addr, func(c *callbacks.Conn) {
		conns[c] = struct{}{}
		c.OnClose(func(error) { delete(conns, c) })
		echoCallbacks(c)
	}, callbacks.ReusePort(run.ReusePort))
	if err != nil {
		return err
	}
	run.Serving(l, nil, ln.Addr(), func() {
		ln.Close()
		for c := range conns {
			c.Abort()
		}
	})
	return l.Run()
}

// echoCallbacks sets the callbacks of one connection: each chunk read is
// written back. While the peer does not read, the write buffer grows, so
// reading pauses above highWater and resumes once the buffer has drained:
// otherwise a client that sends without reading would fill the server's
// memory.
func echoCallbacks(c *callbacks.Conn) {
	c.OnRead(func(data []byte, err error) {
		if err != nil {
			c.Close() // at the end of the stream, once the echo is written
			return
		}
		c.Write(data, nil)
		if c.Buffered() > highWater {
			c.PauseReading()
		}
	})
	c.OnFlush(func(buffered int) {
		if buffered == 0 {
			c.ResumeReading()
		}
	})
}
