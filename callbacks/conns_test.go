package callbacks_test

import (
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
)

// concurrentConns is how many connections TestManyConcurrentConnections
// holds open at once, and on select how many it can: both ends live in this
// process, so n connections take 2n fds, and select cannot watch an fd at
// or above FD_SETSIZE (1024). TestSelectRefusesHighFD checks the error
// select gives beyond that.
func concurrentConns(backend string) int {
	if backend == "select" {
		return 300
	}
	return 500
}

// TestManyConcurrentConnections opens hundreds of net clients at once
// against our echo server; each says hello, reads its echo, and waits until
// all are connected before it hangs up, so that the server holds them all
// at the same time.
func TestManyConcurrentConnections(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		n := concurrentConns(backend)
		if limit := testutil.FDLimit(); limit < uint64(2*n+64) {
			t.Skipf("RLIMIT_NOFILE is %d; %d connections need %d fds", limit, n, 2*n+64)
		}
		l, _ := testutil.NewLoop(t, backend)
		open, mostOpen, closedWithError := 0, 0, 0
		ln, err := callbacks.Listen(l, "127.0.0.1:0", func(c *callbacks.Conn) {
			open++
			mostOpen = max(mostOpen, open)
			c.OnClose(func(err error) {
				open--
				if err != nil {
					closedWithError++
				}
			})
			echo(c)
		})
		if err != nil {
			t.Fatal(err)
		}
		wait := testutil.Go(t, func() error {
			defer l.CallSoonThreadSafe(func() { ln.Close() })
			return netClients(ln.Addr().String(), n)
		})
		testutil.Run(t, l, 20*time.Second)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"most open": n, "open at the end": 0, "closed with an error": 0}
		got := map[string]int{"most open": mostOpen, "open at the end": open, "closed with an error": closedWithError}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("server connections (-want +got):\n%s", diff)
		}
	})
}

// netClients runs n net clients at once. Each connects, writes a greeting
// naming itself, reads it back, then waits for all the others to get that
// far before it closes.
func netClients(addr string, n int) error {
	var echoed, closed sync.WaitGroup
	echoed.Add(n)
	errs := make(chan error, n)
	for i := range n {
		closed.Add(1)
		go func() {
			defer closed.Done()
			errs <- netClient(addr, i, &echoed)
		}()
	}
	closed.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func netClient(addr string, i int, echoed *sync.WaitGroup) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		echoed.Done()
		return err
	}
	defer conn.Close()
	conn.SetDeadline(testutil.Deadline())
	hello := fmt.Sprintf("hello from client %d", i)
	_, err = conn.Write([]byte(hello))
	got := make([]byte, len(hello))
	if err == nil {
		_, err = io.ReadFull(conn, got)
	}
	echoed.Done()
	if err != nil {
		return fmt.Errorf("client %d: %w", i, err)
	}
	if string(got) != hello {
		return fmt.Errorf("client %d: echo %q, want %q", i, got, hello)
	}
	echoed.Wait()
	return nil
}
