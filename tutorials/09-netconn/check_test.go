package main

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/loopkit/loopkit/tutorials/internal/steptest"
)

// The checks of step 09. go test ./tutorials/09-netconn checks your
// socket.go; LOOPKIT_IMPL=solution checks the reference. TestConnContract
// checks the part of net.Conn's contract that net/http and bufio rely on,
// as golang.org/x/net/nettest's TestConn does, on a fake clock
// (timers.Fake) so that deadlines pass exactly when the check moves it.
// TestHTTPRoundTrip and TestBufioScanner then run Go's own code on it.

// TestConnContract runs each part of the contract on a fresh connection:
// your Listener accepts it, a net.Conn of Go's is the peer.
func TestConnContract(t *testing.T) {
	tests := []struct {
		name string
		fn   func(t *testing.T, r *rig)
	}{
		{"ReadWrite", testReadWrite},
		{"PastDeadline", testPastDeadline},
		{"NowDeadline", testNowDeadline},
		{"FutureDeadline", testFutureDeadline},
		{"DeadlineMoved", testDeadlineMoved},
		{"DeadlineCleared", testDeadlineCleared},
		{"CloseWakesRead", testCloseWakesRead},
		{"CloseWakesAccept", testCloseWakesAccept},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steptest.CheckLeaks(t)
			defer hintOnFailure(t)
			tt.fn(t, newRig(t, steptest.Impl(t, impls)))
		})
	}
}

// testReadWrite: bytes both ways, then io.EOF when the peer closes.
func testReadWrite(t *testing.T, r *rig) {
	r.peer.Write([]byte("hello"))
	buf := make([]byte, 64)
	n, err := r.conn.Read(buf)
	if err != nil || string(buf[:n]) != "hello" {
		t.Fatalf("Read after the peer wrote %q = %q, %v%s", "hello", buf[:n], err, r.explain())
	}
	if n, err := r.conn.Write([]byte("world")); n != 5 || err != nil {
		t.Fatalf("Write(%q) = %d, %v; want 5, nil%s", "world", n, err, r.explain())
	}
	if got, err := io.ReadFull(r.peer, buf[:5]); err != nil || string(buf[:got]) != "world" {
		t.Fatalf("the peer read %q, %v; want %q", buf[:got], err, "world")
	}
	r.peer.Close()
	if n, err := r.conn.Read(buf); n != 0 || err != io.EOF {
		t.Fatalf("Read after the peer closed = %d, %v; want 0, io.EOF%s", n, err, r.explain())
	}
}

// testPastDeadline: a deadline in the past fails Read at once, even with
// data waiting, and Write too; the error is a timeout, as package net's.
func testPastDeadline(t *testing.T, r *rig) {
	// One write, one segment: once its first 4 bytes are read, the rest
	// is surely in the socket's buffer.
	r.peer.Write([]byte("data that is there"))
	first := make([]byte, 4)
	if n, err := r.conn.Read(first); n != 4 || err != nil {
		t.Fatalf("Read = %d, %v; want 4 bytes%s", n, err, r.explain())
	}
	past := r.clock.Now().Add(-time.Second)
	r.conn.SetReadDeadline(past)
	n, err := r.conn.Read(make([]byte, 64))
	if n != 0 || err == nil {
		t.Fatalf("Read with a deadline in the past returned %d bytes, %v: want 0 and a timeout at once, "+
			"even with data waiting (package net's rule: a passed deadline fails every call)%s", n, err, r.explain())
	}
	checkTimeout(t, err, "Read with a deadline in the past")
	r.conn.SetWriteDeadline(past)
	n, err = r.conn.Write([]byte("x"))
	if n != 0 || err == nil {
		t.Fatalf("Write with a deadline in the past = %d, %v; want 0 and a timeout%s", n, err, r.explain())
	}
	checkTimeout(t, err, "Write with a deadline in the past")
}

// testNowDeadline: a deadline equal to the loop's now has passed.
func testNowDeadline(t *testing.T, r *rig) {
	r.conn.SetReadDeadline(r.clock.Now())
	ch := inBackground(func() (int, error) { return r.conn.Read(make([]byte, 64)) })
	o := r.returns(ch, "Read with a deadline equal to the loop's now (a deadline that has just passed)")
	checkTimeout(t, o.err, "Read with a deadline equal to now")
}

// testFutureDeadline: a Read waiting when its deadline comes ends then,
// not before, with a timeout.
func testFutureDeadline(t *testing.T, r *rig) {
	r.conn.SetReadDeadline(r.clock.Now().Add(time.Hour))
	ch := inBackground(func() (int, error) { return r.conn.Read(make([]byte, 64)) })
	r.stillWaiting(ch, "Read with a deadline an hour away, before the clock moved")
	r.clock.Advance(59 * time.Minute)
	r.stillWaiting(ch, "Read with a deadline an hour away, 59 minutes later")
	r.clock.Advance(time.Minute)
	o := r.returns(ch, "Read with a deadline an hour away, an hour later: the deadline passed, and the Read still waits "+
		"(is a future deadline a loop timer, CallAt?)")
	checkTimeout(t, o.err, "Read whose deadline passed while it waited")
}

// testDeadlineMoved: moving the deadline while a Read waits replaces it:
// the old one must not fire.
func testDeadlineMoved(t *testing.T, r *rig) {
	start := r.clock.Now()
	r.conn.SetReadDeadline(start.Add(time.Hour))
	ch := inBackground(func() (int, error) { return r.conn.Read(make([]byte, 64)) })
	r.stillWaiting(ch, "Read with a deadline an hour away")
	r.conn.SetReadDeadline(start.Add(2 * time.Hour))
	r.clock.Advance(time.Hour)
	r.stillWaiting(ch, "Read whose deadline was moved from +1h to +2h, at +1h (the old deadline's timer fired: cancel it)")
	r.clock.Advance(time.Hour)
	o := r.returns(ch, "Read whose deadline was moved to +2h, at +2h")
	checkTimeout(t, o.err, "Read whose moved deadline passed")
}

// testDeadlineCleared: after a timeout, the zero time removes the
// deadline, and Read works again.
func testDeadlineCleared(t *testing.T, r *rig) {
	r.conn.SetReadDeadline(r.clock.Now().Add(-time.Second))
	if _, err := r.conn.Read(make([]byte, 64)); err == nil {
		t.Fatalf("Read with a deadline in the past: no error, want a timeout%s", r.explain())
	}
	r.conn.SetReadDeadline(time.Time{})
	r.peer.Write([]byte("again"))
	buf := make([]byte, 64)
	n, err := r.conn.Read(buf)
	if err != nil || string(buf[:n]) != "again" {
		t.Fatalf("Read after the deadline was removed (the zero time) = %q, %v; want %q, nil%s", buf[:n], err, "again", r.explain())
	}
}

// testCloseWakesRead: Close wakes a Read waiting in another goroutine, with
// an error wrapping net.ErrClosed; later calls, and a second Close, get it
// too.
func testCloseWakesRead(t *testing.T, r *rig) {
	ch := inBackground(func() (int, error) { return r.conn.Read(make([]byte, 64)) })
	r.stillWaiting(ch, "Read with nothing to read")
	if err := r.conn.Close(); err != nil {
		t.Fatalf("Close = %v%s", err, r.explain())
	}
	o := r.returns(ch, "Read waiting when its Conn was closed by another goroutine: Close did not wake the Read")
	if !errors.Is(o.err, net.ErrClosed) {
		t.Fatalf("the Read that Close woke returned %v, want an error wrapping net.ErrClosed", o.err)
	}
	if _, err := r.conn.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Read after Close = %v, want an error wrapping net.ErrClosed", err)
	}
	if err := r.conn.Close(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("a second Close = %v, want an error wrapping net.ErrClosed", err)
	}
}

// testCloseWakesAccept: closing the listener wakes an Accept waiting in
// another goroutine, as net/http's Server.Close needs.
func testCloseWakesAccept(t *testing.T, r *rig) {
	ch := inBackground(func() (int, error) {
		c, err := r.ln.Accept()
		if c != nil {
			c.Close()
		}
		return 0, err
	})
	r.stillWaiting(ch, "Accept with no client")
	if err := r.ln.Close(); err != nil {
		t.Fatalf("the listener's Close = %v%s", err, r.explain())
	}
	o := r.returns(ch, "Accept waiting when its listener was closed: Close did not wake the Accept")
	if !errors.Is(o.err, net.ErrClosed) {
		t.Fatalf("the Accept that Close woke returned %v, want an error wrapping net.ErrClosed", o.err)
	}
}

// checkTimeout requires err to be a timeout as package net's are: a
// net.Error whose Timeout() is true, wrapping os.ErrDeadlineExceeded.
func checkTimeout(t *testing.T, err error, what string) {
	t.Helper()
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("%s returned %v, which is not a net.Error whose Timeout() is true: code written for package net "+
			"(net/http, a client's retry) would not know it timed out; fail the call with os.ErrDeadlineExceeded", what, err)
	}
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("%s returned %v, which does not wrap os.ErrDeadlineExceeded (errors.Is)", what, err)
	}
}
