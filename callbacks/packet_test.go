package callbacks_test

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestPacketConnEcho runs a UDP echo on our PacketConn; a net client sends
// datagrams of several sizes, up to the largest UDP carries, and each comes
// back whole. Closing the socket calls the close callback.
func TestPacketConnEcho(t *testing.T) {
	sizes := []int{1, 100, 1400, 9000, 65507}
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		pc, err := callbacks.ListenPacket(l, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var events []string
		pc.OnClose(func(err error) { events = append(events, "close: "+kind(err)) })
		pc.OnReadFrom(func(data []byte, from netip.AddrPort, err error) {
			if err != nil {
				t.Errorf("read callback: %v", err)
				return
			}
			if string(data) == "bye" {
				pc.Close()
				return
			}
			pc.WriteTo(data, from, func(err error) {
				if err != nil {
					t.Errorf("WriteTo: %v", err)
				}
			})
		})
		var got []int
		wait := testutil.Go(t, func() error {
			conn, err := net.Dial("udp", pc.LocalAddr().String())
			if err != nil {
				return err
			}
			defer conn.Close()
			conn.SetDeadline(testutil.Deadline())
			buf := make([]byte, 1<<16)
			for i, size := range sizes {
				if _, err := conn.Write(randomBytes(size, byte(i))); err != nil {
					return err
				}
				n, err := conn.Read(buf)
				if err != nil {
					return err
				}
				if string(buf[:n]) == string(randomBytes(size, byte(i))) {
					got = append(got, n)
				}
			}
			_, err = conn.Write([]byte("bye"))
			return err
		})
		testutil.Run(t, l, 10*time.Second)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(sizes, got); diff != "" {
			t.Errorf("sizes of the datagrams echoed intact (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"close: nil"}, events); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

// TestPacketConnErrors: WriteTo after Close is refused with ErrClosed, and
// a port in use is an error that names the address.
func TestPacketConnErrors(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		pc, err := callbacks.ListenPacket(l, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := pc.LocalAddr().String()
		if other, err := callbacks.ListenPacket(l, addr); err == nil {
			other.Close()
			t.Errorf("ListenPacket(%s) twice succeeded", addr)
		} else if !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "in use") {
			t.Errorf("ListenPacket(%s) twice: %q, want an error naming the address and saying it is in use", addr, err)
		}
		pc.Close()
		var got string
		pc.WriteTo([]byte("late"), pc.LocalAddr(), func(err error) { got = kind(err) })
		testutil.Run(t, l, 10*time.Second)
		if diff := cmp.Diff("ErrClosed", got); diff != "" {
			t.Errorf("done of WriteTo after Close (-want +got):\n%s", diff)
		}
	})
}
