package coroutines

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/internal/testutil"
	"golang.org/x/sys/unix"
)

func TestDialClosedPortIsRefused(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		addr := testutil.ClosedPort(t)
		var err error
		f.spawn("client", func(ctx context.Context) error {
			var c *Conn
			c, err = Dial(ctx, addr)
			if c != nil {
				c.Close()
			}
			return nil
		})
		f.run(10 * time.Second)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Errorf("Dial(%s) with nothing listening: %v, want ECONNREFUSED", addr, err)
		}
		wantErrorContaining(t, "Dial to a closed port", err, addr)
	})
}

// fullListener returns the address of a listener whose accept queue is
// full, so that a connect to it stays in progress: the kernel drops the
// SYN of a connection it has no room for, and the client retries for
// seconds. The listener has a backlog of 0, and one connection fills it.
func fullListener(t *testing.T) string {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Bind(fd, &unix.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := unix.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	addr := sock.LocalAddr(fd).String()
	for range 8 {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err != nil {
			return addr // this one stayed in progress: the queue is full
		}
		t.Cleanup(func() { c.Close() })
	}
	t.Skip("the kernel kept completing connections beyond the listen backlog")
	return ""
}

func TestDialAbandonedByTimeoutClosesItsSocket(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		addr := fullListener(t)
		f := newNetFixture(t, backend)
		var err error
		f.spawn("client", func(ctx context.Context) error {
			tctx, cancel := WithTimeout(ctx, 20*time.Millisecond)
			defer cancel()
			var c *Conn
			c, err = Dial(tctx, addr)
			if c != nil {
				c.Close()
			}
			return nil
		})
		f.run(10 * time.Second)
		if !errors.Is(err, ErrTimeout) {
			t.Errorf("Dial to a full listener under a 20ms timeout: %v, want ErrTimeout", err)
		}
		// testutil.ForEachBackend checks that the socket was closed.
	})
}

func TestDialNetAbandonedByContextClosesItsSocket(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		addr := fullListener(t)
		f := newNetFixture(t, backend)
		var err error
		// The hold keeps the loop running until the goroutine has called
		// DialNet, which holds it in turn.
		release := f.loop.Hold()
		serveGoroutines(t, f, 10*time.Second, func() {
			defer release()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel()
			var c net.Conn
			c, err = DialNet(ctx, f.hub, addr)
			if c != nil {
				c.Close()
			}
		})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("DialNet to a full listener under a 20ms context: %v, want context.DeadlineExceeded", err)
		}
	})
}

func TestDialNetReachesNetListener(t *testing.T) {
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
			defer c.Close()
			c.Write([]byte("hi from net"))
		}()
		var got string
		release := f.loop.Hold()
		serveGoroutines(t, f, 10*time.Second, func() {
			defer release()
			c, err := DialNet(context.Background(), f.hub, ln.Addr().String())
			if err != nil {
				t.Errorf("DialNet: %v", err)
				return
			}
			defer c.Close()
			b := make([]byte, 20)
			n, _ := c.Read(b)
			got = string(b[:n])
			if c.RemoteAddr().String() != ln.Addr().String() {
				t.Errorf("RemoteAddr = %v, want %v", c.RemoteAddr(), ln.Addr())
			}
		})
		if got != "hi from net" {
			t.Errorf("read %q, want %q", got, "hi from net")
		}
	})
}
