package coroutines

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
)

// The styles mix: a coroutine and a callback are both just waiters of the
// same loop, so a coroutine client can talk to a callbacks server on the
// same loop, and the reverse, with neither knowing the other's style.

func TestCoroutineClientTalksToCallbacksServer(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		var ln *callbacks.Listener
		ln, err := callbacks.Listen(f.loop, "127.0.0.1:0", func(c *callbacks.Conn) {
			c.OnRead(func(data []byte, err error) {
				if err != nil { // end of file: the client is done
					c.Close()
					ln.Close()
					return
				}
				c.Write(data, nil)
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		want := randomBytes(256<<10, 30)
		var got []byte
		f.spawn("client", func(ctx context.Context) error {
			c, err := Dial(ctx, ln.Addr().String())
			if err != nil {
				return err
			}
			defer c.Close()
			writer := Spawn(ctx, func(ctx context.Context) error {
				for _, chunk := range randomChunks(want, 8<<10, 31) {
					if _, err := c.Write(ctx, chunk); err != nil {
						return err
					}
				}
				return c.CloseWrite()
			})
			if got, err = readAllCoroutine(ctx, c, 32); err != nil {
				return err
			}
			return writer.Join(ctx)
		})
		f.run(10 * time.Second)
		if d := diffBytes(want, got); d != "" {
			t.Errorf("256 KiB through a callbacks echo server: %s", d)
		}
	})
}

func TestCallbacksClientTalksToCoroutineServer(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		srv, err := NewStreamServer(f.hub, "127.0.0.1:0", func(ctx context.Context, c *Conn) error {
			_, err := io.Copy(c.Bind(ctx), c.Bind(ctx))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		f.cos = append(f.cos, srv.Start())
		var got []byte
		var clientErr error
		callbacks.Dial(f.loop, srv.Addr().String(), func(c *callbacks.Conn, err error) {
			if err != nil {
				clientErr = err
				srv.Close()
				return
			}
			c.OnRead(func(data []byte, err error) {
				if err != nil {
					if err != io.EOF {
						clientErr = err
					}
					c.Close()
					srv.Close() // a loop callback may close a StreamServer
					return
				}
				got = append(got, data...)
			})
			c.Write([]byte("hello from a callback"), nil)
			c.CloseWrite()
		})
		f.run(10 * time.Second)
		if clientErr != nil {
			t.Errorf("callbacks client: %v", clientErr)
		}
		if want := "hello from a callback"; string(got) != want {
			t.Errorf("the callbacks client read %q, want %q", got, want)
		}
	})
}
