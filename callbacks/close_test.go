package callbacks_test

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
)

// serveOnce listens, hands the first connection to onAccept and stops
// listening; a net client connects, reads until end of file or error, and
// returns what it read. The test's loop runs until everything is closed.
func serveOnce(t *testing.T, backend string, onAccept func(*callbacks.Conn)) (read []byte, readErr error) {
	t.Helper()
	l, _ := testutil.NewLoop(t, backend)
	var ln *callbacks.Listener
	ln, err := callbacks.Listen(l, "127.0.0.1:0", func(c *callbacks.Conn) {
		ln.Close()
		onAccept(c)
	})
	if err != nil {
		t.Fatal(err)
	}
	wait := testutil.Go(t, func() error {
		conn, err := net.Dial("tcp", ln.Addr().String())
		if kind(err) == "reset" {
			readErr = err // a reset can come before Dial sees the connection made
			return nil
		}
		if err != nil {
			return err
		}
		defer conn.Close()
		conn.SetDeadline(testutil.Deadline())
		read, readErr = io.ReadAll(conn)
		return nil
	})
	testutil.Run(t, l, 10*time.Second)
	if err := wait(); err != nil {
		t.Fatal(err)
	}
	return read, readErr
}

// TestCloseFlushesFirst writes more than the kernel holds and closes at
// once: Close waits for the buffer to flush, so the peer gets every byte and
// then end of file, and the close callback gets nil.
func TestCloseFlushesFirst(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		sent := randomBytes(8<<20, 5)
		var events []string
		bufferedAtClose := 0
		got, err := serveOnce(t, backend, func(c *callbacks.Conn) {
			c.OnClose(func(err error) { events = append(events, "close: "+kind(err)) })
			c.Write(sent, func(err error) { events = append(events, "done: "+kind(err)) })
			bufferedAtClose = c.Buffered()
			c.Close()
		})
		if bufferedAtClose == 0 {
			t.Errorf("the kernel took all %d bytes at once: the test did not make Close wait", len(sent))
		}
		if err != nil {
			t.Errorf("peer read: %v, want end of file", err)
		}
		if diff := cmp.Diff(digestOf(sent), digestOf(got)); diff != "" {
			t.Errorf("bytes read by the peer (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"done: nil", "close: nil"}, events); diff != "" {
			t.Errorf("callbacks (-want +got):\n%s", diff)
		}
	})
}

// TestAbortResetsPeer writes more than the kernel holds and aborts: the
// buffered bytes are dropped (their done says so), the peer's read fails
// with a reset, and the close callback gets nil.
func TestAbortResetsPeer(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		var events []string
		_, err := serveOnce(t, backend, func(c *callbacks.Conn) {
			c.OnClose(func(err error) { events = append(events, "close: "+kind(err)) })
			c.Write(make([]byte, 8<<20), func(err error) {
				events = append(events, "done: "+kind(err))
			})
			c.Abort()
		})
		if !errors.Is(err, unix.ECONNRESET) {
			t.Errorf("peer read: %v, want a reset", err)
		}
		want := []string{"done: ErrClosed", "close: nil"}
		if diff := cmp.Diff(want, events); diff != "" {
			t.Errorf("callbacks (-want +got):\n%s", diff)
		}
	})
}

// TestWritesAfterClose are refused: the done gets ErrClosed, and without a
// done the loop's error handler does. A write on a connection a reset broke
// gives its done the reset.
func TestWritesAfterClose(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, errLog := testutil.NewLoop(t, backend)
		var got []string
		var ln *callbacks.Listener
		ln, err := callbacks.Listen(l, "127.0.0.1:0", func(c *callbacks.Conn) {
			ln.Close()
			c.CloseWrite()
			c.Write([]byte("after CloseWrite"), func(err error) { got = append(got, "CloseWrite: "+kind(err)) })
			c.Close()
			c.Write([]byte("after Close"), func(err error) { got = append(got, "Close: "+kind(err)) })
			c.Write([]byte("after Close, no done"), nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		wait := testutil.Go(t, func() error {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				return err
			}
			defer conn.Close()
			conn.SetDeadline(testutil.Deadline())
			_, err = io.ReadAll(conn)
			return err
		})
		testutil.Run(t, l, 10*time.Second)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"CloseWrite: ErrClosed", "Close: ErrClosed"}, got); diff != "" {
			t.Errorf("dones (-want +got):\n%s", diff)
		}
		errs := errLog.Take()
		if len(errs) != 1 || !errors.Is(errs[0], callbacks.ErrClosed) {
			t.Errorf("errors reported to the loop: %v, want one wrapping ErrClosed", errs)
		}
	})
}

// TestDoneRunsAfterWriteReturns: done is never called from inside Write,
// even when the write completes at once, so the code after Write runs
// first.
func TestDoneRunsAfterWriteReturns(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		var order []string
		serveOnce(t, backend, func(c *callbacks.Conn) {
			c.Write([]byte("x"), func(err error) {
				order = append(order, "done")
				c.Close()
			})
			order = append(order, "after Write")
		})
		if diff := cmp.Diff([]string{"after Write", "done"}, order); diff != "" {
			t.Errorf("order (-want +got):\n%s", diff)
		}
	})
}
