package parked_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestDialHostInACoroutine is coroutines.DialHost's test, here beside the
// other coroutine calls that wait for a pool: it dials a net echo server on
// 127.0.0.1 by the name localhost and checks a round trip, then a closed
// port by name, which must be refused.
func TestDialHostInACoroutine(t *testing.T) {
	testutil.CheckFDs(t)
	h, p := start(t, 2)
	echo := "localhost:" + portOf(testutil.EchoServer(t, "127.0.0.1:0"))
	closed := "localhost:" + portOf(testutil.ClosedPort(t))
	var got string
	var refused error
	h.Spawn(func(ctx context.Context) error {
		c, err := coroutines.DialHost(ctx, p, echo)
		if err != nil {
			return err
		}
		defer c.Close()
		if _, err := c.Write(ctx, []byte("ping")); err != nil {
			return err
		}
		buf := make([]byte, 4)
		if _, err := io.ReadFull(c.Bind(ctx), buf); err != nil {
			return err
		}
		got = string(buf)
		c2, err := coroutines.DialHost(ctx, p, closed)
		if c2 != nil {
			c2.Close()
		}
		refused = err
		return nil
	})
	if err := h.Run(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("ping", got); diff != "" {
		t.Errorf("echo through localhost (-want +got):\n%s", diff)
	}
	if !errors.Is(refused, syscall.ECONNREFUSED) {
		t.Errorf("DialHost(%s) = %v, want ECONNREFUSED", closed, refused)
	}
}

// TestDialHostOutsideACoroutine checks the refusal.
func TestDialHostOutsideACoroutine(t *testing.T) {
	_, p := start(t, 1)
	_, err := coroutines.DialHost(context.Background(), p, "localhost:1")
	if !errors.Is(err, coroutines.ErrOutsideCoroutine) {
		t.Errorf("DialHost outside a coroutine = %v, want ErrOutsideCoroutine", err)
	}
}

// portOf returns the port of a host:port address.
func portOf(addr string) string { return addr[strings.LastIndex(addr, ":")+1:] }
