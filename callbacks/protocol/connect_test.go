package protocol_test

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestConnectClosedPort: done gets an error that wraps ECONNREFUSED and
// names the address, and the protocol is never called: no connection, so
// neither ConnectionMade nor ConnectionLost.
func TestConnectClosedPort(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		addr := testutil.ClosedPort(t)
		r := &recorder{}
		var got []string
		protocol.Connect(l, addr, r, func(err error) {
			got = append(got, kind(err))
			if err != nil && !strings.Contains(err.Error(), addr) {
				t.Errorf("Connect(%s): %q does not name the address", addr, err)
			}
		})
		testutil.Run(t, l, 10*time.Second)
		if diff := cmp.Diff([]string{"refused"}, got); diff != "" {
			t.Errorf("done calls (-want +got):\n%s", diff)
		}
		if len(r.events) != 0 {
			t.Errorf("protocol events %v, want none", r.events)
		}
	})
}

// TestServeAddressInUse: the error names the address.
func TestServeAddressInUse(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		taken, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer taken.Close()
		addr := taken.Addr().String()
		server, err := protocol.Serve(l, addr, func() protocol.Protocol { return &recorder{} })
		if err == nil {
			server.Close()
			t.Fatalf("Serve(%s) on an address in use succeeded", addr)
		}
		if !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "in use") {
			t.Errorf("Serve(%s) on an address in use: %q, want an error naming the address and saying it is in use", addr, err)
		}
	})
}

// concurrentConns is how many connections TestManyConcurrentConnections
// makes: on select fewer, since both ends live in this process and select
// cannot watch fds at or above 1024 (callbacks.TestSelectRefusesHighFD
// checks the error).
func concurrentConns(backend string) int {
	if backend == "select" {
		return 300
	}
	return 500
}

// TestManyConcurrentConnections connects hundreds of protocol clients at
// once to a net echo server. Each sends a greeting naming itself; once
// every client has its echo, all close. Each sees made, data, lost: nil.
func TestManyConcurrentConnections(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		n := concurrentConns(backend)
		if limit := testutil.FDLimit(); limit < uint64(2*n+64) {
			t.Skipf("RLIMIT_NOFILE is %d; %d connections need %d fds", limit, n, 2*n+64)
		}
		l, _ := testutil.NewLoop(t, backend)
		addr := testutil.EchoServer(t, "127.0.0.1:0")
		clients := make([]*recorder, n)
		echoed := 0
		for i := range clients {
			hello := fmt.Sprintf("hello from client %d", i)
			r := &recorder{}
			r.onMade = func(r *recorder) { r.t.Write([]byte(hello)) }
			r.onData = func(r *recorder, data []byte) {
				if len(r.received) < len(hello) {
					return
				}
				if echoed++; echoed == n { // the last echo: everyone hangs up
					for _, c := range clients {
						c.t.Close()
					}
				}
			}
			clients[i] = r
			protocol.Connect(l, addr, r, func(err error) {
				if err != nil {
					t.Errorf("client %d: %v", i, err)
				}
			})
		}
		testutil.Run(t, l, 20*time.Second)
		want, got := map[string]int{}, map[string]int{}
		for i, r := range clients {
			hello := fmt.Sprintf("hello from client %d", i)
			want[fmt.Sprintf("%v %s", []string{"made", "data", "lost: nil"}, hello)]++
			got[fmt.Sprintf("%v %s", r.events, r.received)]++
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("clients' events and echoes (-want +got):\n%s", diff)
		}
	})
}
