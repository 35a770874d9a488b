package echo

import (
	"context"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/loop"
)

// StartCoroutines starts the echo server in the style of coroutines
// (package coroutines): one coroutine per connection, whose Read and Write
// read like blocking calls and park the coroutine until the loop finds the
// socket ready. The code is the goroutines style's; the waiting is the
// loop's.
func StartCoroutines(cfg examples.Config) (examples.Server, error) {
	return examples.ServeLoops(cfg, func(l *loop.Loop, addr string, reusePort bool) (examples.LoopServer, error) {
		return examples.ServeCoroutines(l, addr, reusePort, echoCoroutines)
	})
}

// echoCoroutines serves one connection: it reads what has arrived and
// writes it back, until the client closes or the connection fails.
func echoCoroutines(ctx context.Context, conn *coroutines.Conn) {
	buf := make([]byte, bufferSize)
	for {
		n, err := conn.Read(ctx, buf)
		if n > 0 {
			if _, err := conn.Write(ctx, buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
