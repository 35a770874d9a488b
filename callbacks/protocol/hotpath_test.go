package protocol_test

import (
	"testing"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestHotPathDoesNotAllocate runs the echo hot path of a protocol server (the
// peer writes; the loop polls, reads, calls DataReceived, which writes at
// once) and counts allocations: none, on every backend. The peer is a plain
// blocking socket driven on the test goroutine, so that nothing else runs
// while the allocations are counted.
func TestHotPathDoesNotAllocate(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		server, err := protocol.Serve(l, "127.0.0.1:0", func() protocol.Protocol { return echoing(&recorder{}) })
		if err != nil {
			t.Fatal(err)
		}
		defer server.Abort()
		peer := blockingDial(t, server.Addr().Port())
		if err := l.RunOnce(); err != nil { // accept, ConnectionMade
			t.Fatal(err)
		}
		msg := make([]byte, 64)
		got := make([]byte, 64)
		roundTrip := func() {
			if _, err := unix.Write(peer, msg); err != nil {
				t.Fatal(err)
			}
			if err := l.RunOnce(); err != nil {
				t.Fatal(err)
			}
			if n, err := unix.Read(peer, got); n != len(msg) || err != nil {
				t.Fatalf("peer read %d bytes, %v; want %d", n, err, len(msg))
			}
		}
		roundTrip()
		if allocs := testing.AllocsPerRun(100, roundTrip); allocs != 0 {
			t.Errorf("echo round trip: %v allocations, want 0", allocs)
		}
	})
}

// blockingDial connects a plain blocking socket to 127.0.0.1:port: on
// loopback the connect completes at once, with the server still to accept.
func blockingDial(t *testing.T, port uint16) int {
	t.Helper()
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { unix.Close(fd) })
	if err := unix.Connect(fd, &unix.SockaddrInet4{Port: int(port), Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	return fd
}
