package steptest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// MiB is the size of the echo suite's biggest message.
const MiB = 1 << 20

// Echo checks an echo server: clients connect to srv all at once, and each
// sends size bytes of random data in pieces of random size (1 byte to
// 64 KiB) while it reads what comes back; then it closes its sending half.
// Each must get back exactly what it sent, in order, and then end of file:
// the server closes a connection once its client has closed its end.
//
// The pieces' sizes come from a seed, printed on failure; set LOOPKIT_SEED
// to replay them. The whole run is bounded (10s, scaled by
// LOOPKIT_TIME_SCALE); a client that gets stuck says how far it got, with
// the server's problems and state. It reports whether every client passed,
// so that a check can skip what would only fail again.
func Echo(t testing.TB, srv *Server, clients, size int) (ok bool) {
	t.Helper()
	seed := echoSeed()
	bound := Scale(10 * time.Second)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = echoClient(srv, size, seed+uint64(i), bound)
		}()
	}
	wg.Wait()
	failed := 0
	for i, err := range errs {
		if err == nil {
			continue
		}
		failed++
		if failed == 1 {
			t.Errorf("echo client %d of %d (%d bytes in random pieces, LOOPKIT_SEED=%d): %v%s",
				i+1, clients, size, seed, err, srv.Explain())
		}
	}
	if failed > 1 {
		t.Errorf("%d of %d echo clients failed (the first is shown above)", failed, clients)
	}
	return failed == 0
}

// echoSeed returns LOOPKIT_SEED, or a fresh seed.
func echoSeed() uint64 {
	if s, err := strconv.ParseUint(os.Getenv("LOOPKIT_SEED"), 10, 64); err == nil {
		return s
	}
	return rand.Uint64() >> 16 // short enough to type
}

// echoClient sends size random bytes to addr in random pieces, reads them
// back concurrently, and checks them and the end of file that follows.
func echoClient(srv *Server, size int, seed uint64, bound time.Duration) error {
	conn, err := net.DialTimeout("tcp", srv.Addr, bound)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(bound))
	defer abortOnFailure(conn, srv.Failed())()
	rng := rand.New(rand.NewPCG(seed, seed))
	msg := make([]byte, size)
	for i := range msg {
		msg[i] = byte(rng.Uint32())
	}
	sent := make(chan error, 1)
	go func() { sent <- sendPieces(conn.(*net.TCPConn), msg, rng) }()

	got := make([]byte, size)
	n, readErr := io.ReadFull(conn, got)
	if readErr != nil {
		conn.Close() // ends the sender too, if it is blocked
	}
	sendErr := <-sent
	if readErr != nil {
		if closed(srv.Failed()) {
			return fmt.Errorf("the server echoed %d of %d bytes, then failed (see what it reported)", n, size)
		}
		return fmt.Errorf("the server echoed %d of %d bytes, then %s", n, size, describeReadErr(readErr, bound))
	}
	if sendErr != nil {
		return fmt.Errorf("sending: %w (after the server echoed %d of %d bytes)", sendErr, n, size)
	}
	if i := firstDifference(msg, got); i >= 0 {
		return fmt.Errorf("the echo differs from what was sent at byte %d of %d: got %#02x, want %#02x "+
			"(bytes lost, repeated or reordered)", i, size, got[i], msg[i])
	}
	return expectEOF(conn, bound)
}

// abortOnFailure makes conn's reads and writes fail at once if the server
// reports a problem before the returned function is called: a client need
// not wait out its bound for an answer that will not come.
func abortOnFailure(conn net.Conn, failed <-chan struct{}) (stop func()) {
	done := make(chan struct{})
	go func() {
		select {
		case <-failed:
			conn.SetDeadline(time.Now())
		case <-done:
		}
	}()
	return func() { close(done) }
}

// sendPieces writes p in pieces of random size, then closes the sending
// half, so that the server reads end of file.
func sendPieces(conn *net.TCPConn, p []byte, rng *rand.Rand) error {
	for len(p) > 0 {
		k := min(len(p), 1+rng.IntN(64<<10))
		if _, err := conn.Write(p[:k]); err != nil {
			return err
		}
		p = p[k:]
	}
	return conn.CloseWrite()
}

// expectEOF requires the server to close the connection after the client
// closed its sending half, without sending anything more.
func expectEOF(conn net.Conn, bound time.Duration) error {
	// Everything came back: the end of file follows at once from a server
	// that closes, so a short wait is plenty.
	bound = min(bound, Scale(2*time.Second))
	conn.SetReadDeadline(time.Now().Add(bound))
	var extra [1]byte
	n, err := conn.Read(extra[:])
	switch {
	case n > 0:
		return errors.New("the server sent more bytes than it was sent")
	case errors.Is(err, io.EOF):
		return nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("everything came back, but the server did not close the connection within %v "+
			"of the client closing its end: when read returns 0 (end of file), close the fd", bound)
	}
	return fmt.Errorf("everything came back, then reading the end of file: %w", err)
}

func describeReadErr(err error, bound time.Duration) string {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "closed the connection"
	case errors.Is(err, syscall.ECONNRESET):
		return "closed the connection (a reset: it closed with bytes unread)"
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Sprintf("nothing more within %v", bound)
	}
	return err.Error()
}

// firstDifference returns the first index where a and b differ, or -1.
func firstDifference(a, b []byte) int {
	if bytes.Equal(a, b) {
		return -1
	}
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// A Client is one connection to a server under check, for checks that
// script a conversation: Send, RoundTrip, Close.
type Client struct {
	Name string
	conn net.Conn
	srv  *Server
}

// Dial connects a client named name to srv. The test's cleanup closes it.
func Dial(t testing.TB, srv *Server, name string) *Client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", srv.Addr, Scale(5*time.Second))
	if err != nil {
		t.Fatalf("%s: connecting to %s: %v%s", name, srv.Addr, err, srv.Explain())
	}
	c := &Client{Name: name, conn: conn, srv: srv}
	t.Cleanup(c.Close)
	return c
}

// RoundTrip sends msg and waits at most bound for as many bytes to come
// back, and returns them. An error says how many came and why no more did.
func (c *Client) RoundTrip(msg string, bound time.Duration) (string, error) {
	c.conn.SetDeadline(time.Now().Add(bound))
	defer c.conn.SetDeadline(time.Time{})
	defer abortOnFailure(c.conn, c.srv.Failed())()
	if _, err := io.WriteString(c.conn, msg); err != nil {
		return "", fmt.Errorf("%s: sending %q: %w", c.Name, msg, err)
	}
	got := make([]byte, len(msg))
	n, err := io.ReadFull(c.conn, got)
	if err != nil {
		if closed(c.srv.Failed()) {
			return string(got[:n]), fmt.Errorf("%s: sent %q, got %q back, then the server failed (see what it reported)", c.Name, msg, got[:n])
		}
		return string(got[:n]), fmt.Errorf("%s: sent %q, got %q back, then %s", c.Name, msg, got[:n], describeReadErr(err, bound))
	}
	return string(got), nil
}

// Close closes the connection. Calling it twice is harmless.
func (c *Client) Close() { c.conn.Close() }

// closed reports whether ch is closed.
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
