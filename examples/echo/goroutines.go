package echo

import (
	"net"

	"github.com/loopkit/loopkit/examples"
)

// StartGoroutines starts the echo server on Go's net package: one goroutine
// per connection, whose Read and Write block (on Go's own netpoller, an
// event loop the runtime hides).
func StartGoroutines(cfg examples.Config) (examples.Server, error) {
	return examples.ServeStream(cfg.Addr, cfg.OnError, echoGoroutines)
}

// echoGoroutines serves one connection: it reads what has arrived and
// writes it back, until the client closes or the connection fails.
func echoGoroutines(conn net.Conn) {
	buf := make([]byte, bufferSize)
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			if _, err := conn.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
