package callbacks_test

import (
	"errors"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

// fillFDsBelow opens copies of an fd until every fd number below limit is
// taken, so that the next socket gets an fd at or above limit. Cleanup
// closes the copies.
func fillFDsBelow(t *testing.T, limit int) {
	t.Helper()
	var fds []int
	t.Cleanup(func() {
		for _, fd := range fds {
			unix.Close(fd)
		}
	})
	for {
		fd, err := unix.Dup(0)
		if err != nil {
			t.Fatalf("dup: %v", err)
		}
		if fd >= limit {
			unix.Close(fd)
			return
		}
		fds = append(fds, fd)
	}
}

// TestSelectRefusesHighFD makes connections whose fds are at or above
// FD_SETSIZE, which select cannot watch: a dialled one and an accepted
// one. Each fails with an error that says so, and nothing leaks.
func TestSelectRefusesHighFD(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		if backend != "select" {
			t.Skip("only select has a limit on fd numbers")
		}
		if limit := testutil.FDLimit(); limit < 1200 {
			t.Skipf("RLIMIT_NOFILE is %d; the test needs fds above 1024", limit)
		}
		l, _ := testutil.NewLoop(t, backend)
		addr := testutil.EchoServer(t, "127.0.0.1:0")
		var errs []error
		ln, err := callbacks.Listen(l, "127.0.0.1:0", func(c *callbacks.Conn) {
			c.OnRead(func(data []byte, err error) {
				if err != nil {
					errs = append(errs, err)
				}
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		fillFDsBelow(t, unix.FD_SETSIZE)
		callbacks.Dial(l, addr, func(c *callbacks.Conn, err error) {
			errs = append(errs, err)
			if c != nil {
				c.Close()
			}
		})
		peer, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer peer.Close()
		for range 2 {
			if err := l.RunOnce(); err != nil {
				t.Fatal(err)
			}
		}
		got := make([]bool, len(errs))
		for i, err := range errs {
			got[i] = err != nil && strings.Contains(err.Error(), "FD_SETSIZE") && strings.Contains(err.Error(), "select")
		}
		if diff := cmp.Diff([]bool{true, true}, got); diff != "" {
			t.Errorf("errors %v name select and FD_SETSIZE? (-want +got):\n%s", errs, diff)
		}
	})
}

// iterations counts the loop's iterations, from any goroutine.
type iterations struct {
	loop.NopObserver
	n atomic.Int64
}

func (it *iterations) IterationStarted(uint64) { it.n.Add(1) }

// TestAcceptPausesWhenOutOfFDs lowers the limit on open fds so that accept
// fails with EMFILE while clients wait in the backlog. The listener reports
// the error and pauses rather than spin on a listener that stays readable,
// and once fds are available again it accepts the waiting clients.
func TestAcceptPausesWhenOutOfFDs(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		counter := &iterations{}
		l, errLog := testutil.NewLoop(t, backend, loop.WithObserver(counter))
		ln, err := callbacks.Listen(l, "127.0.0.1:0", echo)
		if err != nil {
			t.Fatal(err)
		}
		const clients = 3
		var conns []net.Conn
		for range clients {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(testutil.Deadline())
			conns = append(conns, conn)
		}
		restore := testutil.RunOutOfFDs(t)
		pause := 300 * time.Millisecond
		iterationsWhilePaused := int64(0)
		l.CallLater(pause, func() {
			iterationsWhilePaused = counter.n.Load()
			restore()
		})
		wait := testutil.Go(t, func() error {
			defer l.CallSoonThreadSafe(func() { ln.Close() })
			for _, conn := range conns {
				if _, err := conn.Write([]byte("hi")); err != nil {
					return err
				}
				if _, err := io.ReadFull(conn, make([]byte, 2)); err != nil {
					return err
				}
				conn.Close()
			}
			return nil
		})
		testutil.Run(t, l, 10*time.Second)
		if err := wait(); err != nil {
			t.Fatalf("clients after fds came back: %v", err)
		}
		errs := errLog.Take()
		if len(errs) == 0 || !errors.Is(errs[0], unix.EMFILE) {
			t.Errorf("errors reported: %v; want EMFILE from accept", errs)
		}
		// Paused 100 ms at a time for 300 ms: a handful of iterations, where
		// a spinning loop would make thousands.
		if iterationsWhilePaused > 20 {
			t.Errorf("%d iterations while out of fds: the listener spins", iterationsWhilePaused)
		}
	})
}
