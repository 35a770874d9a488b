package protocol_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/threadpool"
)

// TestConnectHost connects by the name localhost, looked up on a pool's
// worker, to a net echo server on 127.0.0.1: the protocol sees made, its
// echo, and lost. A closed port by name is refused, with no protocol call.
func TestConnectHost(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		pool, err := threadpool.New(l)
		if err != nil {
			t.Fatal(err)
		}
		echo := "localhost:" + portOf(testutil.EchoServer(t, "127.0.0.1:0"))
		closed := "localhost:" + portOf(testutil.ClosedPort(t))
		r := &recorder{
			onMade: func(r *recorder) { r.t.Write([]byte("ping")) },
			onData: func(r *recorder, _ []byte) {
				if string(r.received) == "ping" {
					r.t.Close()
				}
			},
		}
		unused := &recorder{}
		var got []string
		protocol.ConnectHost(pool, echo, r, func(err error) { got = append(got, "echo: "+kind(err)) })
		protocol.ConnectHost(pool, closed, unused, func(err error) { got = append(got, "closed: "+kind(err)) })
		testutil.Run(t, l, 10*time.Second)
		slices.Sort(got) // the two lookups run on two workers: either may finish first
		if diff := cmp.Diff([]string{"closed: refused", "echo: nil"}, got); diff != "" {
			t.Errorf("done calls (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"made", "data", "lost: nil"}, r.events); diff != "" {
			t.Errorf("protocol events through localhost (-want +got):\n%s", diff)
		}
		if len(unused.events) != 0 {
			t.Errorf("protocol events of the refused connection %v, want none", unused.events)
		}
	})
}

// portOf returns the port of a host:port address.
func portOf(addr string) string { return addr[strings.LastIndex(addr, ":")+1:] }
