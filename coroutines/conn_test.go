package coroutines

import (
	"context"
	"errors"
	"io"
	"math/rand"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

// echoConn copies what c reads back to it, in reads of random sizes, until
// end of file.
func echoConn(ctx context.Context, c *Conn, seed int64) error {
	r := rand.New(rand.NewSource(seed))
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(ctx, buf[:1+r.Intn(len(buf))])
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := c.Write(ctx, buf[:n]); err != nil {
			return err
		}
	}
}

func TestConnEchoServerKeepsMegabyteIntact(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		ln, err := Listen(f.hub, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		f.spawn("echo server", func(ctx context.Context) error {
			defer ln.Close()
			c, err := ln.Accept(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			return echoConn(ctx, c, 1)
		})
		want := randomBytes(1<<20, 2)
		type result struct {
			got []byte
			err error
		}
		done := make(chan result, 1)
		go func() {
			got, err := testutil.RoundTrip("tcp", ln.Addr().String(), randomChunks(want, 16<<10, 3))
			done <- result{got, err}
		}()
		f.run(20 * time.Second)
		r := <-done
		if r.err != nil {
			t.Fatalf("net client: %v", r.err)
		}
		if d := diffBytes(want, r.got); d != "" {
			t.Errorf("echo of 1 MiB in random chunks: %s", d)
		}
	})
}

func TestConnClientKeepsMegabyteIntact(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		addr := testutil.EchoServer(t, "127.0.0.1:0")
		want := randomBytes(1<<20, 4)
		var got []byte
		f.spawn("client", func(ctx context.Context) error {
			c, err := Dial(ctx, addr)
			if err != nil {
				return err
			}
			defer c.Close()
			// One coroutine writes while this one reads: a Conn may be
			// read and written at once. The writer half-closes when done,
			// and the echo server closes in turn once it has echoed all.
			writer := Spawn(ctx, func(ctx context.Context) error {
				for _, chunk := range randomChunks(want, 16<<10, 5) {
					if _, err := c.Write(ctx, chunk); err != nil {
						return err
					}
				}
				return c.CloseWrite()
			})
			got, err = readAllCoroutine(ctx, c, 6)
			if err != nil {
				return err
			}
			return writer.Join(ctx)
		})
		f.run(20 * time.Second)
		if d := diffBytes(want, got); d != "" {
			t.Errorf("1 MiB through a Go echo server: %s", d)
		}
	})
}

func TestConnHalfCloseLetsServerAnswerAfterEOF(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		ln, err := Listen(f.hub, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var request []byte
		f.spawn("server", func(ctx context.Context) error {
			defer ln.Close()
			c, err := ln.Accept(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			// The request ends at end of file: the client half-closed.
			if request, err = readAllCoroutine(ctx, c, 7); err != nil {
				return err
			}
			_, err = c.Write(ctx, []byte("reply after EOF"))
			return err
		})
		reply := make(chan string, 1)
		go func() {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				reply <- err.Error()
				return
			}
			defer c.Close()
			c.Write([]byte("request"))
			c.(*net.TCPConn).CloseWrite()
			b, err := io.ReadAll(c)
			if err != nil {
				reply <- err.Error()
				return
			}
			reply <- string(b)
		}()
		f.run(10 * time.Second)
		want := []string{"request", "reply after EOF"}
		if d := cmp.Diff(want, []string{string(request), <-reply}); d != "" {
			t.Errorf("request and reply around a half-close (-want +got):\n%s", d)
		}
	})
}

func TestConnReadAfterPeerResetFails(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			// Reset only once the client has connected and spoken, so that
			// its Read, not its Dial, meets the reset.
			io.ReadFull(c, make([]byte, len("hello")))
			c.(*net.TCPConn).SetLinger(0) // close sends RST, not FIN
			c.Close()
		}()
		var readErr, writeErr error
		f.spawn("client", func(ctx context.Context) error {
			c, err := Dial(ctx, ln.Addr().String())
			if err != nil {
				return err
			}
			defer c.Close()
			if _, err := c.Write(ctx, []byte("hello")); err != nil {
				return err
			}
			_, readErr = c.Read(ctx, make([]byte, 10))
			_, writeErr = c.Write(ctx, []byte("after the reset"))
			return nil
		})
		f.run(10 * time.Second)
		if !errors.Is(readErr, syscall.ECONNRESET) {
			t.Errorf("Read after the peer's reset: %v, want ECONNRESET", readErr)
		}
		var opErr *net.OpError
		if !errors.As(readErr, &opErr) || opErr.Op != "read" {
			t.Errorf("Read after the peer's reset: %#v, want a *net.OpError with Op read", readErr)
		}
		if !errors.Is(writeErr, syscall.EPIPE) && !errors.Is(writeErr, syscall.ECONNRESET) {
			t.Errorf("Write after the peer's reset: %v, want EPIPE or ECONNRESET", writeErr)
		}
	})
}

// writerObserver counts the runs of writer waiters: a Write that parked
// was woken by one.
type writerObserver struct {
	loop.NopObserver
	writerRuns int
}

func (o *writerObserver) CallbackStarted(c loop.Callback) {
	if c.Kind == loop.Writer {
		o.writerRuns++
	}
}

func TestConnWriteParksUntilSlowReaderCatchesUp(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		obs := &writerObserver{}
		f := newNetFixture(t, backend, loop.WithObserver(obs))
		ln, err := Listen(f.hub, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		// Far more than the socket buffers on both sides hold: Write must
		// park until the reader makes room, several times over.
		want := randomBytes(8<<20, 8)
		var written int
		f.spawn("writer", func(ctx context.Context) error {
			defer ln.Close()
			c, err := ln.Accept(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			written, err = c.Write(ctx, want)
			return err
		})
		got := make(chan []byte, 1)
		go func() {
			c, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				got <- nil
				return
			}
			defer c.Close()
			time.Sleep(20 * time.Millisecond) // let the buffers fill first
			var b []byte
			buf := make([]byte, 4096) // small reads: a slow reader
			for {
				n, err := c.Read(buf)
				b = append(b, buf[:n]...)
				if err != nil {
					break
				}
			}
			got <- b
		}()
		f.run(20 * time.Second)
		if written != len(want) {
			t.Errorf("Write returned %d, want %d", written, len(want))
		}
		if d := diffBytes(want, <-got); d != "" {
			t.Errorf("8 MiB to a slow reader: %s", d)
		}
		if obs.writerRuns == 0 {
			t.Errorf("no writer waiter ran: Write never parked, so backpressure was not tested")
		}
	})
}

func TestListenAddressInUseSaysSo(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		ln, err := Listen(f.hub, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		_, err = Listen(f.hub, ln.Addr().String())
		wantErrorContaining(t, "second Listen on "+ln.Addr().String(), err, "already in use")

		pc, err := ListenPacket(f.hub, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		_, err = ListenPacket(f.hub, pc.LocalAddr().String())
		wantErrorContaining(t, "second ListenPacket on "+pc.LocalAddr().String(), err, "already in use")
	})
}
