package coroutines

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestReusePortSharesAPort listens twice on one port, with Listen and with
// NewStreamServer: the second opens only when both asked for SO_REUSEPORT.
func TestReusePortSharesAPort(t *testing.T) {
	handler := func(context.Context, *Conn) error { return nil }
	listens := map[string]func(h *Hub, addr string, reusePort bool) (string, func(), error){
		"Listen": func(h *Hub, addr string, reusePort bool) (string, func(), error) {
			ln, err := Listen(h, addr, ReusePort(reusePort))
			if err != nil {
				return "", nil, err
			}
			return ln.Addr().String(), func() { ln.Close() }, nil
		},
		"NewStreamServer": func(h *Hub, addr string, reusePort bool) (string, func(), error) {
			s, err := NewStreamServer(h, addr, handler, WithMaxConns(1), ReusePort(reusePort))
			if err != nil {
				return "", nil, err
			}
			return s.Addr().String(), func() { s.Close() }, nil
		},
	}
	for name, listen := range listens {
		for _, reusePort := range []bool{true, false} {
			testutil.ForEachBackend(t, func(t *testing.T, backend string) {
				f := newNetFixture(t, backend)
				addr, closeFirst, err := listen(f.hub, "127.0.0.1:0", reusePort)
				if err != nil {
					t.Fatalf("%s with ReusePort(%v): %v", name, reusePort, err)
				}
				defer closeFirst()
				_, closeSecond, err := listen(f.hub, addr, reusePort)
				if err == nil {
					closeSecond()
				}
				if diff := cmp.Diff(reusePort, err == nil); diff != "" {
					t.Errorf("%s twice on %s with ReusePort(%v): the second listens (-want +got):\n%s\nerror: %v", name, addr, reusePort, diff, err)
				}
			})
		}
	}
}
