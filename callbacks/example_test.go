package callbacks_test

import (
	"fmt"
	"log"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/loop"
)

// An echo server in a dozen lines, and a client that dials it, says hello,
// and prints what comes back. Every step is a callback given to the step
// before it.
func Example() {
	l, err := loop.New()
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()

	// The server: echo every chunk; close when the client does.
	ln, err := callbacks.Listen(l, "127.0.0.1:0", func(c *callbacks.Conn) {
		c.OnRead(func(data []byte, err error) {
			if err != nil {
				c.Close()
				return
			}
			c.Write(data, nil)
		})
	})
	if err != nil {
		log.Fatal(err)
	}

	// The client: connect, write, read the echo, hang up.
	callbacks.Dial(l, ln.Addr().String(), func(c *callbacks.Conn, err error) {
		if err != nil {
			log.Fatal(err)
		}
		c.OnRead(func(data []byte, err error) {
			if err != nil {
				return // io.EOF: the server closed too
			}
			fmt.Printf("echoed: %s\n", data)
			c.Close()
			ln.Close() // nothing left to wait for: Run returns
		})
		c.Write([]byte("hello, loop"), nil)
	})

	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// echoed: hello, loop
}
