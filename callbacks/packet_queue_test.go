package callbacks

import (
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/internal/testutil"
)

// TestPacketConnQueue exercises the queue of datagrams waiting for the send
// buffer, which a loopback socket rarely fills: with a datagram already
// queued, WriteTo queues the next behind it rather than overtake it; the
// writer sends both in order and calls their dones; Close waits for the
// queue, then closes.
func TestPacketConnQueue(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		peer, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer peer.Close()
		peer.SetDeadline(testutil.Deadline())
		to := peer.LocalAddr().(*net.UDPAddr).AddrPort()
		pc, err := ListenPacket(l, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var events []string
		done := func(name string) func(error) {
			return func(err error) {
				if err != nil {
					name += ": " + err.Error()
				}
				events = append(events, name)
			}
		}
		pc.OnClose(func(error) { events = append(events, "closed") })

		// As if the send buffer had been full: the first datagram waits.
		pc.out = append(pc.out, datagram{data: []byte("first"), to: to, done: done("first sent")})
		pc.updateWriting()
		pc.WriteTo([]byte("second"), to, done("second sent"))
		queued := len(pc.out)
		pc.Close()

		testutil.Run(t, l, 10*time.Second)
		var got []string
		buf := make([]byte, 100)
		for range 2 {
			n, _, err := peer.ReadFrom(buf)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, string(buf[:n]))
		}
		if queued != 2 {
			t.Errorf("WriteTo behind a queued datagram: %d queued, want 2", queued)
		}
		if diff := cmp.Diff([]string{"first", "second"}, got); diff != "" {
			t.Errorf("datagrams received (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"first sent", "second sent", "closed"}, events); diff != "" {
			t.Errorf("callbacks (-want +got):\n%s", diff)
		}
	})
}
