package callbacks_test

import (
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

// panicValues returns the values of the panics among errs.
func panicValues(errs []error) []string {
	var values []string
	for _, err := range errs {
		var p *loop.PanicError
		if errors.As(err, &p) {
			values = append(values, fmt.Sprint(p.Value))
		} else {
			values = append(values, "not a panic: "+err.Error())
		}
	}
	return values
}

// TestPanicInReadCallback: the panic reaches the loop's error handler, and
// the connection goes on: the next chunk is read and echoed.
func TestPanicInReadCallback(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, errLog := testutil.NewLoop(t, backend)
		var ln *callbacks.Listener
		ln, err := callbacks.Listen(l, "127.0.0.1:0", func(c *callbacks.Conn) {
			ln.Close()
			c.OnRead(func(data []byte, err error) {
				switch {
				case err != nil:
					c.Close()
				case string(data) == "boom":
					c.Write([]byte("!"), nil) // tells the peer it was read alone
					panic("read callback panics on boom")
				default:
					c.Write(data, nil)
				}
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		var echoed string
		wait := testutil.Go(t, func() error {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				return err
			}
			defer conn.Close()
			conn.SetDeadline(testutil.Deadline())
			if _, err := conn.Write([]byte("boom")); err != nil {
				return err
			}
			if _, err := io.ReadFull(conn, make([]byte, 1)); err != nil {
				return err
			}
			if _, err := conn.Write([]byte("after")); err != nil {
				return err
			}
			got := make([]byte, 5)
			_, err = io.ReadFull(conn, got)
			echoed = string(got)
			return err
		})
		testutil.Run(t, l, 10*time.Second)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff("after", echoed); diff != "" {
			t.Errorf("echo after the panic (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"read callback panics on boom"}, panicValues(errLog.Take())); diff != "" {
			t.Errorf("panics reported (-want +got):\n%s", diff)
		}
	})
}

// TestPanicInAcceptCallback: the panic reaches the loop's error handler,
// and the connection it was given is aborted rather than left open with
// nobody to close it: the peer reads a reset.
func TestPanicInAcceptCallback(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, errLog := testutil.NewLoop(t, backend)
		var ln *callbacks.Listener
		ln, err := callbacks.Listen(l, "127.0.0.1:0", func(c *callbacks.Conn) {
			ln.Close()
			panic("accept callback panics")
		})
		if err != nil {
			t.Fatal(err)
		}
		var readErr error
		wait := testutil.Go(t, func() error {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if kind(err) == "reset" {
				readErr = err // the reset came before Dial saw the connection made
				return nil
			}
			if err != nil {
				return err
			}
			defer conn.Close()
			conn.SetDeadline(testutil.Deadline())
			_, readErr = io.ReadAll(conn)
			return nil
		})
		testutil.Run(t, l, 10*time.Second)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if kind(readErr) != "reset" {
			t.Errorf("peer read: %v, want a reset", readErr)
		}
		if diff := cmp.Diff([]string{"accept callback panics"}, panicValues(errLog.Take())); diff != "" {
			t.Errorf("panics reported (-want +got):\n%s", diff)
		}
	})
}

// TestPanicInDoneCallback: a done that panics does not cost the dones
// queued after it their call.
func TestPanicInDoneCallback(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		var calls []int
		var errs []error
		l, errLog := testutil.NewLoop(t, backend)
		addr := testutil.EchoServer(t, "127.0.0.1:0")
		callbacks.Dial(l, addr, func(c *callbacks.Conn, err error) {
			if err != nil {
				t.Errorf("Dial: %v", err)
				return
			}
			for i := range 3 {
				c.Write([]byte("x"), func(error) {
					calls = append(calls, i)
					if i == 1 {
						panic("done 1 panics")
					}
				})
			}
			c.Close()
		})
		testutil.Run(t, l, 10*time.Second)
		errs = errLog.Take()
		if diff := cmp.Diff([]int{0, 1, 2}, calls); diff != "" {
			t.Errorf("dones called (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"done 1 panics"}, panicValues(errs)); diff != "" {
			t.Errorf("panics reported (-want +got):\n%s", diff)
		}
	})
}
