package callbacks_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/loop"
)

// The same echo on a path instead of a port: only the address changes. The
// listener makes the socket file and its Close removes it; a Unix-domain
// socket has no address and port, so Addr is the zero AddrPort and Path
// names it.
func ExampleListen_unix() {
	dir, err := os.MkdirTemp("", "loopkit")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "echo.sock")

	l, err := loop.New()
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	ln, err := callbacks.Listen(l, "unix:"+path, func(c *callbacks.Conn) {
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
	fmt.Println("Addr valid:", ln.Addr().IsValid(), "- Path is the path:", ln.Path() == path)

	callbacks.Dial(l, "unix:"+path, func(c *callbacks.Conn, err error) {
		if err != nil {
			log.Fatal(err)
		}
		c.OnRead(func(data []byte, err error) {
			if err != nil {
				return
			}
			fmt.Printf("echoed: %s\n", data)
			c.Close()
			ln.Close() // removes the socket file
		})
		c.Write([]byte("hello, path"), nil)
	})
	if err := l.Run(); err != nil {
		log.Fatal(err)
	}
	_, err = os.Stat(path)
	fmt.Println("socket file removed:", os.IsNotExist(err))
	// Output:
	// Addr valid: false - Path is the path: true
	// echoed: hello, path
	// socket file removed: true
}
