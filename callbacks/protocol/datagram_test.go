package protocol_test

import (
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/testutil"
)

// cmpSorted compares string slices as sets with repeats.
var cmpSorted = cmpopts.SortSlices(func(a, b string) bool { return a < b })

// datagramEcho is a DatagramProtocol that sends each datagram back, and
// closes on "bye". On "misdirect" it also sends a datagram its IPv4 socket
// cannot send, to an IPv6 address.
type datagramEcho struct {
	t      protocol.DatagramTransport
	events []string
}

func (d *datagramEcho) ConnectionMade(t protocol.DatagramTransport) {
	d.t = t
	d.events = append(d.events, "made")
}

func (d *datagramEcho) DatagramReceived(data []byte, from netip.AddrPort) {
	d.events = append(d.events, "datagram: "+string(data))
	if string(data) == "bye" {
		d.t.Close()
		return
	}
	if string(data) == "misdirect" {
		d.t.WriteTo(data, ipv6Discard)
	}
	d.t.WriteTo(data, from)
}

var ipv6Discard = netip.MustParseAddrPort("[::1]:9")

func (d *datagramEcho) ErrorReceived(err error) {
	if strings.Contains(err.Error(), ipv6Discard.String()) {
		d.events = append(d.events, "error naming "+ipv6Discard.String())
	} else {
		d.events = append(d.events, "error: "+err.Error())
	}
}

func (d *datagramEcho) ConnectionLost(err error) {
	d.events = append(d.events, "lost: "+kind(err))
}

// TestDatagramEcho runs a datagram protocol echo against a net UDP client.
// A datagram that cannot be sent comes to ErrorReceived, and the socket
// goes on.
func TestDatagramEcho(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		d := &datagramEcho{}
		tr, err := protocol.ListenDatagram(l, "127.0.0.1:0", d)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		wait := testutil.Go(t, func() error {
			conn, err := net.Dial("udp", tr.LocalAddr().String())
			if err != nil {
				return err
			}
			defer conn.Close()
			conn.SetDeadline(testutil.Deadline())
			buf := make([]byte, 100)
			for _, msg := range []string{"one", "misdirect", "two"} {
				if _, err := conn.Write([]byte(msg)); err != nil {
					return err
				}
				n, err := conn.Read(buf)
				if err != nil {
					return err
				}
				got = append(got, string(buf[:n]))
			}
			_, err = conn.Write([]byte("bye"))
			return err
		})
		testutil.Run(t, l, 10*time.Second)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"one", "misdirect", "two"}, got); diff != "" {
			t.Errorf("echoes (-want +got):\n%s", diff)
		}
		want := []string{"made", "datagram: one", "datagram: misdirect", "error naming [::1]:9",
			"datagram: two", "datagram: bye", "lost: nil"}
		if diff := cmp.Diff(want, d.events); diff != "" {
			t.Errorf("protocol events (-want +got):\n%s", diff)
		}
	})
}
