package callbacks

import (
	"net/netip"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

// echoPair returns a Conn over one end of a connected pair of Unix stream
// sockets, echoing what it reads, and the other end as a plain blocking fd
// for the test to write and read. A Conn drives any stream socket; a
// socket pair spares the test a listener.
func echoPair(t *testing.T, l *loop.Loop) (*Conn, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.SetNonblock(fds[0], true); err != nil {
		t.Fatal(err)
	}
	c := newConn(l, fds[0], netip.AddrPort{})
	c.OnRead(func(data []byte, err error) {
		if err != nil {
			c.Close()
			return
		}
		c.Write(data, nil)
	})
	t.Cleanup(func() {
		c.Abort()
		unix.Close(fds[1])
	})
	return c, fds[1]
}

// TestHotPathDoesNotAllocate runs the echo hot path (the peer writes; the
// loop polls, reads into a borrowed buffer, calls the read callback, which
// writes at once) and counts allocations: none, on every backend. And the
// write completed at once, so the connection never registered as a writer.
func TestHotPathDoesNotAllocate(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		c, peer := echoPair(t, l)
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
		if allocs := testing.AllocsPerRun(100, roundTrip); allocs != 0 {
			t.Errorf("echo round trip: %v allocations, want 0", allocs)
		}
		if c.writing {
			t.Errorf("after writes that completed at once, the connection is registered as a writer")
		}
	})
}

// TestIdleConnectionsHoldNoReadBuffer: a connection that has read holds no
// read buffer afterwards, so many idle connections cost far less than a
// buffer each. Each of them reads once; what all that allocated, divided
// among them, must stay under half a buffer. (Under the race detector, the
// pool drops a quarter of the buffers given back, to be made again.)
func TestIdleConnectionsHoldNoReadBuffer(t *testing.T) {
	const conns = 100
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		before := totalAlloc()
		for range conns {
			_, peer := echoPair(t, l)
			echoOnce(t, l, peer)
		}
		if perConn := (totalAlloc() - before) / conns; perConn >= readBufferSize/2 {
			t.Errorf("%d connections that read once allocated %d bytes each, want less than %d", conns, perConn, readBufferSize/2)
		}
	})
}

// echoOnce writes a message to the echo connection of peer, runs one
// iteration of l, and reads the echo.
func echoOnce(t *testing.T, l *loop.Loop, peer int) {
	t.Helper()
	msg := []byte("ping")
	if _, err := unix.Write(peer, msg); err != nil {
		t.Fatal(err)
	}
	if err := l.RunOnce(); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(msg))
	if n, err := unix.Read(peer, got); n != len(msg) || err != nil {
		t.Fatalf("peer read %d bytes, %v; want %d", n, err, len(msg))
	}
}

// totalAlloc returns the bytes the program has allocated so far.
func totalAlloc() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.TotalAlloc
}
