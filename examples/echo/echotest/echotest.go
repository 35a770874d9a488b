// Package echotest checks that a server echoes: every byte stream a client
// sends comes back intact, whatever the size, however many clients, and
// whatever the clients do (close half, reset, stay idle). Its clients use Go's
// net package, so that they share nothing with the server they check.
//
// Run is used by the examples' tests on every style and backend, and can
// check any echo server, such as the one a tutorial step builds.
package echotest

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"
)

// A Starter starts a fresh echo server for one subtest and returns its
// address; it stops the server with t.Cleanup (and reports there what
// stopping found wrong, such as a connection left open).
type Starter func(t *testing.T) (addr string)

// Run runs the echo suite against the servers start makes, one per
// subtest. A pass proves that the server returns every byte in order, to
// the connection that sent it, for 1 byte to 1 MiB, for 50 clients at once,
// through a half-close and past a peer's reset, and that an idle client
// does not hold the others up.
func Run(t *testing.T, start Starter) {
	tests := []struct {
		name string
		fn   func(*testing.T, string)
	}{
		{"OneLine", testOneLine},
		{"BigStream", testBigStream},
		{"ManyClients", testManyClients},
		{"HalfClose", testHalfClose},
		{"PeerReset", testPeerReset},
		{"IdleClient", testIdleClient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, start(t)) })
	}
}

// Bound is how long a client may wait for the server: 20 s, times
// LOOPKIT_TIME_SCALE on a slow machine. Every client connection has it as
// its deadline, so a server that stops answering fails the test instead of
// hanging it.
func Bound() time.Duration {
	scale, err := strconv.ParseFloat(os.Getenv("LOOPKIT_TIME_SCALE"), 64)
	if err != nil || scale <= 0 {
		scale = 1
	}
	return time.Duration(float64(20*time.Second) * scale)
}

func testOneLine(t *testing.T, addr string) {
	c := dial(t, addr)
	defer c.Close()
	roundTrip(t, c, []byte("hello, loop\n"))
}

// testBigStream writes 1 MiB while it reads the echo, so that neither side's
// buffers can hold the stream: the server must handle partial writes and
// wait for writability.
func testBigStream(t *testing.T, addr string) {
	c := dial(t, addr)
	defer c.Close()
	stream(t, c, pattern(1, 1<<20))
}

func testManyClients(t *testing.T, addr string) {
	const clients = 50
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			c, err := dialErr(addr)
			if err != nil {
				t.Errorf("client %d: %v", i, err)
				return
			}
			defer c.Close()
			stream(t, c, pattern(uint64(i), 64<<10))
		})
	}
	wg.Wait()
}

// testHalfClose sends, closes its sending half, and expects everything back
// and then the end of the stream: the server echoes what it has before it
// closes.
func testHalfClose(t *testing.T, addr string) {
	c := dial(t, addr)
	defer c.Close()
	want := pattern(2, 100<<10)
	go func() {
		c.Write(want)
		c.(*net.TCPConn).CloseWrite()
	}()
	got, err := io.ReadAll(c)
	if err != nil {
		t.Errorf("after a half-close, reading the echo to its end: %v", err)
	}
	checkSame(t, want, got)
}

// testPeerReset resets one connection in the middle of a stream, then
// checks that the server still serves another.
func testPeerReset(t *testing.T, addr string) {
	c := dial(t, addr)
	c.Write(pattern(3, 256<<10))
	c.(*net.TCPConn).SetLinger(0)
	c.Close()

	d := dial(t, addr)
	defer d.Close()
	roundTrip(t, d, []byte("still there?\n"))
}

// testIdleClient keeps a connection open and silent while another is
// served.
func testIdleClient(t *testing.T, addr string) {
	idle := dial(t, addr)
	defer idle.Close()
	c := dial(t, addr)
	defer c.Close()
	stream(t, c, pattern(4, 64<<10))
}

// dial connects to addr with a deadline of Bound on every later Read and
// Write, so that a stuck server fails the test instead of hanging it.
func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := dialErr(addr)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func dialErr(addr string) (net.Conn, error) {
	c, err := net.DialTimeout("tcp", addr, Bound())
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	c.SetDeadline(time.Now().Add(Bound()))
	return c, nil
}

// roundTrip writes p and reads len(p) bytes back.
func roundTrip(t *testing.T, c net.Conn, p []byte) {
	t.Helper()
	if _, err := c.Write(p); err != nil {
		t.Errorf("write: %v", err)
		return
	}
	got := make([]byte, len(p))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Errorf("reading the echo of %q: %v", p, err)
		return
	}
	checkSame(t, p, got)
}

// stream writes p from one goroutine while it reads len(p) bytes back.
func stream(t *testing.T, c net.Conn, p []byte) {
	t.Helper()
	werr := make(chan error, 1)
	go func() {
		_, err := c.Write(p)
		werr <- err
	}()
	got := make([]byte, len(p))
	n, err := io.ReadFull(c, got)
	if err != nil {
		t.Errorf("reading the echo of %d bytes: got %d, then %v", len(p), n, err)
	}
	if err := <-werr; err != nil {
		t.Errorf("writing %d bytes: %v", len(p), err)
	}
	checkSame(t, p, got[:n])
}

// pattern returns n pseudo-random bytes, different for each seed, so that a
// byte echoed to the wrong client or in the wrong place shows.
func pattern(seed uint64, n int) []byte {
	r := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})
	p := make([]byte, n)
	r.Read(p)
	return p
}

func checkSame(t *testing.T, want, got []byte) {
	t.Helper()
	if bytes.Equal(want, got) {
		return
	}
	t.Errorf("echo differs: %s", firstDifference(want, got))
}

// firstDifference describes where got first differs from want (a diff of
// a megabyte would say nothing).
func firstDifference(want, got []byte) string {
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] {
			return fmt.Sprintf("at byte %d of %d: got %#02x, want %#02x", i, len(want), got[i], want[i])
		}
	}
	return fmt.Sprintf("got %d bytes, want %d", len(got), len(want))
}
