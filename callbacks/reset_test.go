package callbacks_test

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
)

// resetPeer is a net client that connects, reads readFirst bytes, then
// closes with SO_LINGER 0: the kernel sends a reset (RST), not a FIN.
func resetPeer(addr string, readFirst int) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	conn.SetDeadline(testutil.Deadline())
	if _, err := io.ReadFull(conn, make([]byte, readFirst)); err != nil {
		conn.Close()
		return err
	}
	conn.(*net.TCPConn).SetLinger(0)
	return conn.Close()
}

// TestPeerReset has a peer reset the connection while our side writes more
// than the kernel can hold, or while it only reads. Every callback that
// waits hears of the reset once, in order: the pending write's done, the
// read callback, the close callback. And the fd is closed (CheckFDs).
func TestPeerReset(t *testing.T) {
	tests := []struct {
		name       string
		write      int // bytes the server writes on accept, with a done
		readFirst  int // bytes the peer reads before it resets (so that it resets an accepted connection)
		wantEvents []string
	}{
		{
			name:       "mid-write",
			write:      32 << 20,
			readFirst:  1 << 10,
			wantEvents: []string{"done: reset", "read: reset", "close: reset"},
		},
		{
			name:       "while reading",
			write:      5,
			readFirst:  5,
			wantEvents: []string{"done: nil", "read: reset", "close: reset"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ForEachBackend(t, func(t *testing.T, backend string) {
				l, _ := testutil.NewLoop(t, backend)
				var events []string
				var ln *callbacks.Listener
				ln, err := callbacks.Listen(l, "127.0.0.1:0", func(c *callbacks.Conn) {
					ln.Close()
					c.OnRead(func(data []byte, err error) {
						if err != nil {
							events = append(events, "read: "+kind(err))
						}
					})
					c.OnClose(func(err error) { events = append(events, "close: "+kind(err)) })
					c.Write(make([]byte, tt.write), func(err error) { events = append(events, "done: "+kind(err)) })
				})
				if err != nil {
					t.Fatal(err)
				}
				wait := testutil.Go(t, func() error { return resetPeer(ln.Addr().String(), tt.readFirst) })
				testutil.Run(t, l, 10*time.Second)
				if err := wait(); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.wantEvents, events); diff != "" {
					t.Errorf("callbacks (-want +got):\n%s", diff)
				}
			})
		})
	}
}
