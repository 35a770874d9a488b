//go:build !race

// The race detector allocates behind the code's back, so this test runs
// only without it.

package coroutines

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/loopkit/loopkit/internal/testutil"
)

// TestConnRoundTripAllocatesNothing checks the promise of Conn.Read and
// Conn.Write: in steady state a round trip (a Write, then Reads that park
// until the answer comes) allocates nothing, neither in the conn nor in
// the park, the wake and the loop under it.
func TestConnRoundTripAllocatesNothing(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			netEcho(c)
		}()
		var allocs float64
		f.spawn("client", func(ctx context.Context) error {
			c, err := Dial(ctx, ln.Addr().String())
			if err != nil {
				return err
			}
			defer c.Close()
			msg := make([]byte, echoMessage)
			var rtErr error
			roundTrip := func() {
				if _, err := c.Write(ctx, msg); err != nil {
					rtErr = err
				}
				for n := 0; n < len(msg) && rtErr == nil; {
					m, err := c.Read(ctx, msg[n:])
					n += m
					if err != nil {
						rtErr = err
					}
				}
			}
			roundTrip() // the first adds the conn's reader waiter
			allocs = testing.AllocsPerRun(200, roundTrip)
			return rtErr
		})
		f.run(10 * time.Second)
		if allocs != 0 {
			t.Errorf("a round trip allocates %v times, want 0", allocs)
		}
	})
}
