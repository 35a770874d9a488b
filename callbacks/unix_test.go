package callbacks_test

import (
	"errors"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestUnixEchoKeepsBytesIntactAndCloseRemovesTheFile sends a megabyte in
// chunks of random sizes from a net client to our echo server on a path,
// half-closes, and reads it all back; then the listener's Close removes the
// socket file. A Unix-domain connection has no IP address and port: its
// RemoteAddr is the zero AddrPort.
func TestUnixEchoKeepsBytesIntactAndCloseRemovesTheFile(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		path := testutil.SocketPath(t, "echo.sock")
		var remote netip.AddrPort
		ln, err := callbacks.Listen(l, "unix:"+path, func(c *callbacks.Conn) {
			remote = c.RemoteAddr()
			echo(c)
		})
		if err != nil {
			t.Fatal(err)
		}
		sent := randomBytes(1<<20, 5)
		var got []byte
		wait := testutil.Go(t, func() error {
			defer l.CallSoonThreadSafe(func() { ln.Close() })
			echoed, err := testutil.RoundTrip("unix", path, randomChunks(sent, 6))
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
		type addrs struct{ Addr, Remote netip.AddrPort }
		if diff := cmp.Diff(addrs{}, addrs{ln.Addr(), remote}, cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); diff != "" {
			t.Errorf("the listener's Addr and the connection's RemoteAddr (-want +got):\n%s", diff)
		}
		if ln.Path() != path {
			t.Errorf("Path() = %q, want %q", ln.Path(), path)
		}
		if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("after the listener's Close, Lstat(%s) = %v; want the socket file removed", path, err)
		}
	})
}

// TestDialUnixReachesAListenerOnTheSameLoop dials our own listener on a
// path, with both ends on one loop, and checks a round trip.
func TestDialUnixReachesAListenerOnTheSameLoop(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		addr := "unix:" + testutil.SocketPath(t, "dial.sock")
		ln, err := callbacks.Listen(l, addr, echo)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		var remote netip.AddrPort
		callbacks.Dial(l, addr, func(c *callbacks.Conn, err error) {
			ln.Close()
			if err != nil {
				t.Errorf("Dial(%s): %v", addr, err)
				return
			}
			remote = c.RemoteAddr()
			c.OnRead(func(data []byte, err error) {
				got += string(data)
				if err != nil || got == "ping" {
					c.Close()
				}
			})
			c.Write([]byte("ping"), nil)
		})
		testutil.Run(t, l, 10*time.Second)
		if got != "ping" || remote.IsValid() {
			t.Errorf("echo %q, remote address %v; want ping, and the zero AddrPort", got, remote)
		}
	})
}

// TestDialUnixErrorsNameThePath dials paths that cannot be connected to:
// the callback gets an error that names the path and the cause.
func TestDialUnixErrorsNameThePath(t *testing.T) {
	dir := testutil.SocketPath(t, "")
	tests := []struct {
		name string
		addr string
		want error  // wrapped, or nil
		text string // in the message
	}{
		{"no such file", "unix:" + dir + "/absent.sock", unix.ENOENT, "dial unix " + dir + "/absent.sock"},
		{"path too long", "unix:/" + strings.Repeat("x", 200), nil, "sun_path"},
		{"abstract name", "unix:@chat", nil, "abstract Unix sockets"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ForEachBackend(t, func(t *testing.T, backend string) {
				l, _ := testutil.NewLoop(t, backend)
				var got error
				calls := 0
				callbacks.Dial(l, tt.addr, func(c *callbacks.Conn, err error) {
					calls++
					got = err
					if c != nil {
						c.Close()
					}
				})
				testutil.Run(t, l, 10*time.Second)
				if calls != 1 || got == nil || (tt.want != nil && !errors.Is(got, tt.want)) || !strings.Contains(got.Error(), tt.text) {
					t.Errorf("Dial(%s) called back %d times, last with %v; want once, with an error wrapping %v that contains %q",
						tt.addr, calls, got, tt.want, tt.text)
				}
			})
		})
	}
}
