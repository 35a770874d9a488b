package callbacks_test

import (
	"io"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
)

// echo is the server of most tests: it writes back what it reads, and
// closes when the peer has finished (Close flushes first).
func echo(c *callbacks.Conn) {
	c.OnRead(func(data []byte, err error) {
		if err != nil {
			c.Close()
			return
		}
		c.Write(data, nil)
	})
}

// TestEchoServerKeepsBytesIntact sends a megabyte in chunks of random sizes
// from a net client to our echo server, half-closes, and reads it all back.
func TestEchoServerKeepsBytesIntact(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		ln, err := callbacks.Listen(l, "127.0.0.1:0", echo)
		if err != nil {
			t.Fatal(err)
		}
		sent := randomBytes(1<<20, 1)
		var got []byte
		wait := testutil.Go(t, func() error {
			defer l.CallSoonThreadSafe(func() { ln.Close() })
			echoed, err := testutil.RoundTrip("tcp", ln.Addr().String(), randomChunks(sent, 2))
			got = echoed
			return err
		})
		testutil.Run(t, l, 10*time.Second)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(digestOf(sent), digestOf(got)); diff != "" {
			t.Errorf("echoed bytes (-want +got):\n%s", diff)
		}
	})
}

// TestDialedConnKeepsBytesIntact is the other way round: our client sends a
// megabyte in chunks of random sizes to a net echo server, each Write
// issued from the done callback of the one before, half-closes, and reads
// the echo until end of file.
func TestDialedConnKeepsBytesIntact(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		addr := testutil.EchoServer(t, "127.0.0.1:0")
		sent := randomBytes(1<<20, 3)
		chunks := randomChunks(sent, 4)
		var got []byte
		var gotErr error
		callbacks.Dial(l, addr, func(c *callbacks.Conn, err error) {
			if err != nil {
				t.Errorf("Dial(%s): %v", addr, err)
				return
			}
			c.OnRead(func(data []byte, err error) {
				if err != nil {
					gotErr = err
					c.Close()
					return
				}
				got = append(got, data...)
			})
			var writeNext func(error)
			writeNext = func(err error) {
				if err != nil {
					t.Errorf("Write: %v", err)
					return
				}
				if len(chunks) == 0 {
					c.CloseWrite()
					return
				}
				chunk := chunks[0]
				chunks = chunks[1:]
				c.Write(chunk, writeNext)
			}
			writeNext(nil)
		})
		testutil.Run(t, l, 10*time.Second)
		if diff := cmp.Diff(digestOf(sent), digestOf(got)); diff != "" {
			t.Errorf("echoed bytes (-want +got):\n%s", diff)
		}
		if gotErr != io.EOF {
			t.Errorf("the read callback's last error = %v, want io.EOF", gotErr)
		}
	})
}
