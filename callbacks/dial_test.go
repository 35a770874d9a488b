package callbacks_test

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestDialEchoIPv4AndIPv6 dials a net echo server on each loopback address
// and checks a round trip and the connection's addresses.
func TestDialEchoIPv4AndIPv6(t *testing.T) {
	for _, listen := range []string{"127.0.0.1:0", "[::1]:0"} {
		t.Run(listen, func(t *testing.T) {
			if strings.HasPrefix(listen, "[") && !testutil.HasIPv6() {
				t.Skip("no IPv6 loopback on this machine")
			}
			testutil.ForEachBackend(t, func(t *testing.T, backend string) {
				l, _ := testutil.NewLoop(t, backend)
				addr := testutil.EchoServer(t, listen)
				var got string
				var local, remote string
				callbacks.Dial(l, addr, func(c *callbacks.Conn, err error) {
					if err != nil {
						t.Errorf("Dial(%s): %v", addr, err)
						return
					}
					local, remote = c.LocalAddr().Addr().String(), c.RemoteAddr().String()
					c.OnRead(func(data []byte, err error) {
						got += string(data)
						if err != nil || got == "ping" {
							c.Close()
						}
					})
					c.Write([]byte("ping"), nil)
				})
				testutil.Run(t, l, 10*time.Second)
				host, _, _ := net.SplitHostPort(addr)
				want := []string{"ping", host, addr}
				if diff := cmp.Diff(want, []string{got, local, remote}); diff != "" {
					t.Errorf("echo, local host, remote address (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// TestDialClosedPort dials a port nobody listens on: the callback gets an
// error that wraps ECONNREFUSED and names the address.
func TestDialClosedPort(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		addr := testutil.ClosedPort(t)
		var got error
		calls := 0
		callbacks.Dial(l, addr, func(c *callbacks.Conn, err error) {
			calls++
			got = err
			if c != nil {
				c.Close()
			}
		})
		testutil.Run(t, l, 10*time.Second)
		if calls != 1 || !errors.Is(got, unix.ECONNREFUSED) || !strings.Contains(got.Error(), addr) {
			t.Errorf("Dial(%s) called back %d times, last with %v; want once, with ECONNREFUSED naming the address", addr, calls, got)
		}
	})
}

// TestDialBadAddress gives Dial addresses it must refuse without trying.
func TestDialBadAddress(t *testing.T) {
	tests := []struct {
		addr string
		want string // in the error
	}{
		{"example.com:80", "names are not looked up"},
		{"127.0.0.1", "missing port"},
		{"127.0.0.1:http", `bad port "http"`},
		{"127.0.0.1:70000", `bad port "70000"`},
	}
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		got := map[string]string{}
		for _, tt := range tests {
			callbacks.Dial(l, tt.addr, func(c *callbacks.Conn, err error) {
				got[tt.addr] = "no error"
				if err != nil && strings.Contains(err.Error(), tt.want) && strings.Contains(err.Error(), tt.addr) {
					got[tt.addr] = tt.want
				} else if err != nil {
					got[tt.addr] = err.Error()
				}
			})
		}
		testutil.Run(t, l, 10*time.Second)
		want := map[string]string{}
		for _, tt := range tests {
			want[tt.addr] = tt.want
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("errors by address (-want +got):\n%s", diff)
		}
	})
}

// TestListenAddressInUse listens where a net listener already does: the
// error names the address.
func TestListenAddressInUse(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		taken, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer taken.Close()
		addr := taken.Addr().String()
		ln, err := callbacks.Listen(l, addr, echo)
		if err == nil {
			ln.Close()
			t.Fatalf("Listen(%s) on an address in use succeeded", addr)
		}
		if !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "in use") {
			t.Errorf("Listen(%s) on an address in use: %q, want an error naming the address and saying it is in use", addr, err)
		}
	})
}
