//go:build linux

package completion

import (
	"bytes"
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/examples/echo/echotest"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/internal/uring"
)

// start starts a server for one test, closes it in a cleanup (a test may
// close it first: Close returns nil the second time) and fails the test on
// any error the server reports; it skips where io_uring is refused.
func start(t *testing.T) *Server {
	t.Helper()
	s, err := Start("127.0.0.1:0", func(err error) { t.Errorf("server reported: %v", err) })
	if errors.Is(err, uring.ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v, want nil", err)
		}
	})
	return s
}

// TestEcho runs the echo suite every style passes.
func TestEcho(t *testing.T) {
	echotest.Run(t, func(t *testing.T) string {
		testutil.CheckFDs(t)
		return start(t).Addr()
	})
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(echotest.Bound()))
	t.Cleanup(func() { c.Close() })
	return c
}

// TestCloseCancelsRequestsInFlight: each idle client has a recv in flight,
// holding its buffer. Close must cancel them, wait for them, and close
// every connection, so that each client reads the end of the stream and no
// fd is left open.
func TestCloseCancelsRequestsInFlight(t *testing.T) {
	testutil.CheckFDs(t)
	s := start(t)
	var clients []net.Conn
	for range 20 {
		c := dial(t, s.Addr())
		echo(t, c, "hello")
		clients = append(clients, c)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v, want nil", err)
	}
	for i, c := range clients {
		if n, err := c.Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("client %d after Close: Read = %d, %v; want 0, EOF", i, n, err)
		}
	}
}

// dialSmallWindow connects with a receive buffer of 4 KiB, set before the
// connection is made: the window it advertises is small from the start.
func dialSmallWindow(t *testing.T, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		var err error
		rc.Control(func(fd uintptr) { err = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_RCVBUF, 4<<10) })
		return err
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(echotest.Bound()))
	t.Cleanup(func() { c.Close() })
	return c
}

// echo sends msg and reads it back.
func echo(t *testing.T, c net.Conn, msg string) {
	t.Helper()
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil || string(got) != msg {
		t.Fatalf("echo of %q = %q, %v", msg, got, err)
	}
}

// TestPartialSendsGoOnWhereTheyStopped: a client with a small receive
// window that sends 4 MiB and waits before it reads fills its receive
// buffer and the server's send buffer, so some sends move only part of
// their bytes. Every byte must still come
// back, in order.
func TestPartialSendsGoOnWhereTheyStopped(t *testing.T) {
	s := start(t)
	c := dialSmallWindow(t, s.Addr())
	want := bytes.Repeat([]byte("0123456789abcdef"), 4<<20/16)
	wrote := make(chan error, 1)
	go func() {
		_, err := c.Write(want)
		c.(*net.TCPConn).CloseWrite()
		wrote <- err
	}()
	time.Sleep(testutil.Scale(100 * time.Millisecond)) // let the buffers fill before reading
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("reading the echo: %v after %d bytes", err, len(got))
	}
	if err := <-wrote; err != nil {
		t.Fatalf("writing: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("echo of %d bytes came back as %d bytes, not equal", len(want), len(got))
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if s.Stats().PartialSends == 0 {
		t.Errorf("Stats().PartialSends = 0: no send was partial, so this test did not test them")
	}
}

// TestCloseCancelsASendStuckOnAFullWindow: a client that sends and never
// reads leaves the server's send waiting in the kernel, with the
// connection's buffer. Close must cancel it, wait for its completion, and
// close the connection, leaving no fd behind.
func TestCloseCancelsASendStuckOnAFullWindow(t *testing.T) {
	testutil.CheckFDs(t)
	s := start(t)
	c := dialSmallWindow(t, s.Addr())
	// Write until the kernel takes no more: the server's send is then
	// stuck, and so is its next recv.
	c.SetWriteDeadline(time.Now().Add(testutil.Scale(500 * time.Millisecond)))
	chunk := make([]byte, 64<<10)
	for {
		if _, err := c.Write(chunk); err != nil {
			break
		}
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close() = %v, want nil", err)
		}
	case <-time.After(echotest.Bound()):
		t.Fatalf("Close() did not return within %v with a send stuck in the kernel", echotest.Bound())
	}
}
