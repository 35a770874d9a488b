package coroutines_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

// A StreamServer runs a handler per connection, written as blocking code:
// here, a server that answers each line in upper case. The client is a
// coroutine on the same loop; bufio works on both ends through Bind.
func ExampleStreamServer() {
	l, err := loop.New()
	if err != nil {
		panic(err)
	}
	defer l.Close()
	h := coroutines.NewHub(l)
	defer h.Close()

	srv, err := coroutines.NewStreamServer(h, "127.0.0.1:0", func(ctx context.Context, c *coroutines.Conn) error {
		lines := bufio.NewScanner(c.Bind(ctx))
		for lines.Scan() {
			if _, err := io.WriteString(c.Bind(ctx), strings.ToUpper(lines.Text())+"\n"); err != nil {
				return err
			}
		}
		return lines.Err()
	})
	if err != nil {
		panic(err)
	}
	srv.Start()

	client := h.Spawn(func(ctx context.Context) error {
		defer srv.Close()
		c, err := coroutines.Dial(ctx, srv.Addr().String())
		if err != nil {
			return err
		}
		defer c.Close()
		replies := bufio.NewReader(c.Bind(ctx))
		for _, line := range []string{"hello", "loop"} {
			if _, err := c.Write(ctx, []byte(line+"\n")); err != nil {
				return err
			}
			reply, err := replies.ReadString('\n')
			if err != nil {
				return err
			}
			fmt.Print(reply)
		}
		return nil
	})
	if err := h.RunUntil(client); err != nil {
		fmt.Println(err)
	}
	// Output:
	// HELLO
	// LOOP
}
