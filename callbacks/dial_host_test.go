package callbacks_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/threadpool"
)

// TestDialHost dials a net echo server on 127.0.0.1 by the name localhost,
// looked up on a pool's worker, and checks a round trip; then a closed
// port by name, whose error must say refused.
func TestDialHost(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		p, err := threadpool.New(l)
		if err != nil {
			t.Fatal(err)
		}
		echo := "localhost:" + port(testutil.EchoServer(t, "127.0.0.1:0"))
		closed := "localhost:" + port(testutil.ClosedPort(t))
		var got string
		var refused error
		callbacks.DialHost(p, echo, func(c *callbacks.Conn, err error) {
			if err != nil {
				t.Errorf("DialHost(%s): %v", echo, err)
				return
			}
			c.OnRead(func(data []byte, err error) {
				got += string(data)
				if err != nil || got == "ping" {
					c.Close()
				}
			})
			c.Write([]byte("ping"), nil)
		})
		callbacks.DialHost(p, closed, func(c *callbacks.Conn, err error) {
			refused = err
			if c != nil {
				c.Close()
			}
		})
		testutil.Run(t, l, 10*time.Second)
		if diff := cmp.Diff("ping", got); diff != "" {
			t.Errorf("echo through localhost (-want +got):\n%s", diff)
		}
		if !errors.Is(refused, unix.ECONNREFUSED) {
			t.Errorf("DialHost(%s) = %v, want ECONNREFUSED", closed, refused)
		}
	})
}

// TestDialHostBadAddress gives DialHost an address without a port.
func TestDialHostBadAddress(t *testing.T) {
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	p, err := threadpool.New(l)
	if err != nil {
		t.Fatal(err)
	}
	var got error
	callbacks.DialHost(p, "localhost", func(_ *callbacks.Conn, err error) { got = err })
	testutil.Run(t, l, 10*time.Second)
	if got == nil || !strings.Contains(got.Error(), "missing port") {
		t.Errorf("DialHost(localhost) = %v, want an error saying the port is missing", got)
	}
}

// port returns the port of a host:port address.
func port(addr string) string { return addr[strings.LastIndex(addr, ":")+1:] }
