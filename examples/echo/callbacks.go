package echo

import (
	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/loop"
)

// StartCallbacks starts the echo server in the style of raw callbacks
// (package callbacks): the loop calls a function when a connection comes,
// another when data arrives, another when the peer has read enough.
func StartCallbacks(cfg examples.Config) (examples.Server, error) {
	return examples.ServeLoops(cfg, func(l *loop.Loop, addr string, reusePort bool) (examples.LoopServer, error) {
		return examples.ServeCallbacks(l, addr, reusePort, echoCallbacks)
	})
}

// echoCallbacks sets the callbacks of one connection: each chunk read is
// written back. While the peer does not read, the write buffer grows, so
// reading pauses above highWater and resumes once the buffer has drained:
// otherwise a client that sends without reading would fill the server's
// memory.
func echoCallbacks(c *callbacks.Conn) (onClose func(error)) {
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
	return nil
}
