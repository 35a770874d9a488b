package coroutines

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
)

// netUDPEcho starts a UDP echo peer on Go's net that answers each datagram
// in upper case, and returns its address. It stops when t ends.
func netUDPEcho(t *testing.T) netip.AddrPort {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 2048)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return // closed
			}
			pc.WriteTo([]byte(strings.ToUpper(string(buf[:n]))), from)
		}
	}()
	t.Cleanup(func() {
		pc.Close()
		<-done
	})
	return pc.LocalAddr().(*net.UDPAddr).AddrPort()
}

func TestPacketConnExchangesDatagrams(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		peer := netUDPEcho(t)
		var got []string
		var froms []netip.AddrPort
		f.spawn("client", func(ctx context.Context) error {
			pc, err := ListenPacket(f.hub, "127.0.0.1:0")
			if err != nil {
				return err
			}
			defer pc.Close()
			buf := make([]byte, 100)
			for _, msg := range []string{"ping", "pong"} {
				if _, err := pc.WriteTo(ctx, []byte(msg), peer); err != nil {
					return err
				}
				n, from, err := pc.ReadFrom(ctx, buf)
				if err != nil {
					return err
				}
				got = append(got, string(buf[:n]))
				froms = append(froms, from)
			}
			return nil
		})
		f.run(10 * time.Second)
		if d := cmp.Diff([]string{"PING", "PONG"}, got); d != "" {
			t.Errorf("answers (-want +got):\n%s", d)
		}
		if d := cmp.Diff([]netip.AddrPort{peer, peer}, froms, cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); d != "" {
			t.Errorf("senders (-want +got):\n%s", d)
		}
	})
}

func TestPacketConnCloseWakesReadFrom(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		var readErr, pastErr error
		f.spawn("main", func(ctx context.Context) error {
			pc, err := ListenPacket(f.hub, "127.0.0.1:0")
			if err != nil {
				return err
			}
			pc.SetReadDeadline(time.Unix(1, 0))
			_, _, pastErr = pc.ReadFrom(ctx, make([]byte, 10))
			pc.SetReadDeadline(time.Time{})
			reader := Spawn(ctx, func(ctx context.Context) error {
				_, _, readErr = pc.ReadFrom(ctx, make([]byte, 10))
				return nil
			})
			if err := letLoopRun(ctx, 2); err != nil {
				return err
			}
			pc.Close()
			return reader.Join(ctx)
		})
		f.run(10 * time.Second)
		checkTimeout(t, "ReadFrom past its deadline", pastErr)
		checkClosed(t, "ReadFrom waiting at Close", readErr)
	})
}

func TestNetPacketConnGoroutineMode(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		peer := netUDPEcho(t)
		pc, err := ListenPacket(f.hub, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		np := pc.NetPacketConn()
		var got string
		var from net.Addr
		var timeoutErr, closedErr, badAddrErr error
		serveGoroutines(t, f, 10*time.Second, func() {
			defer np.Close()
			if _, err := np.WriteTo([]byte("hello"), net.UDPAddrFromAddrPort(peer)); err != nil {
				t.Errorf("WriteTo: %v", err)
				return
			}
			buf := make([]byte, 100)
			n, addr, err := np.ReadFrom(buf)
			if err != nil {
				t.Errorf("ReadFrom: %v", err)
				return
			}
			got, from = string(buf[:n]), addr
			_, badAddrErr = np.WriteTo([]byte("x"), &net.TCPAddr{})
			np.SetReadDeadline(time.Now().Add(5 * time.Millisecond))
			_, _, timeoutErr = np.ReadFrom(buf)
			np.SetReadDeadline(time.Time{})
			go func() {
				time.Sleep(10 * time.Millisecond)
				np.Close()
			}()
			_, _, closedErr = np.ReadFrom(buf)
		})
		if got != "HELLO" || from.String() != peer.String() {
			t.Errorf("ReadFrom = %q from %v, want %q from %v", got, from, "HELLO", peer)
		}
		checkTimeout(t, "ReadFrom past its deadline", timeoutErr)
		checkClosed(t, "ReadFrom waiting at Close", closedErr)
		wantErrorContaining(t, "WriteTo a TCP address", badAddrErr, "not a *net.UDPAddr")
		if !errors.As(badAddrErr, new(*net.OpError)) {
			t.Errorf("WriteTo a TCP address: %#v, want a *net.OpError", badAddrErr)
		}
	})
}
