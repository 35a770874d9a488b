package lan

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReachableListsWhatOtherMachinesUse(t *testing.T) {
	ips := []netip.Addr{
		netip.MustParseAddr("127.0.0.1"),
		netip.MustParseAddr("192.168.1.20"),
		netip.MustParseAddr("169.254.3.4"),
		netip.MustParseAddr("::1"),
		netip.MustParseAddr("fe80::1"),
		netip.MustParseAddr("2001:db8::20"),
	}
	tests := []struct {
		listening string
		want      []string
	}{
		{"0.0.0.0:7008", []string{"192.168.1.20:7008"}},
		{"[::]:7010", []string{"192.168.1.20:7010"}},
	}
	for _, tt := range tests {
		got := reachable(netip.MustParseAddrPort(tt.listening), ips)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("reachable(%s) (-want +got):\n%s", tt.listening, diff)
		}
	}
	v6only := []netip.Addr{netip.MustParseAddr("::1"), netip.MustParseAddr("2001:db8::20")}
	for _, tt := range []struct {
		listening string
		want      []string
	}{
		{"0.0.0.0:7008", nil},
		{"[::]:7010", []string{"[2001:db8::20]:7010"}},
	} {
		got := reachable(netip.MustParseAddrPort(tt.listening), v6only)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("reachable(%s) (-want +got):\n%s", tt.listening, diff)
		}
	}
}

func TestAddrs(t *testing.T) {
	tests := []struct {
		listening string
		want      []string
	}{
		{"127.0.0.1:7008", nil},
		{"[::1]:7008", nil},
		{"10.0.0.5:7008", []string{"10.0.0.5:7008"}},
		{"unix:/tmp/chat.sock", nil},
	}
	for _, tt := range tests {
		got, err := Addrs(tt.listening)
		if err != nil {
			t.Errorf("Addrs(%s): %v", tt.listening, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Addrs(%s) (-want +got):\n%s", tt.listening, diff)
		}
	}
	if _, err := Addrs("localhost:7008"); err == nil {
		t.Errorf("Addrs(localhost:7008) gave no error, want one: the listener reports an IP address")
	}
}

// TestAddrsOfEveryAddressListsNoLoopback lists this machine's own
// interfaces: whatever they are, none of the answers is loopback.
func TestAddrsOfEveryAddressListsNoLoopback(t *testing.T) {
	addrs, err := Addrs("0.0.0.0:7008")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		ap, err := netip.ParseAddrPort(a)
		if err != nil || !ap.Addr().Is4() || ap.Addr().IsLoopback() || ap.Port() != 7008 {
			t.Errorf("Addrs(0.0.0.0:7008) lists %q, want IPv4 addresses other than loopback, with port 7008", a)
		}
	}
}
