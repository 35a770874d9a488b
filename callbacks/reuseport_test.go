package callbacks_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

// TestReusePortSharesAPort listens twice on one port, in both front ends
// that take callbacks.ListenOption: the second listener opens only when
// both asked for SO_REUSEPORT.
func TestReusePortSharesAPort(t *testing.T) {
	listens := map[string]func(l *loop.Loop, addr string, opts ...callbacks.ListenOption) (string, func(), error){
		"Listen": func(l *loop.Loop, addr string, opts ...callbacks.ListenOption) (string, func(), error) {
			ln, err := callbacks.Listen(l, addr, echo, opts...)
			if err != nil {
				return "", nil, err
			}
			return ln.Addr().String(), func() { ln.Close() }, nil
		},
		"protocol.Serve": func(l *loop.Loop, addr string, opts ...callbacks.ListenOption) (string, func(), error) {
			s, err := protocol.Serve(l, addr, func() protocol.Protocol { return nil }, opts...)
			if err != nil {
				return "", nil, err
			}
			return s.Addr().String(), s.Close, nil
		},
	}
	tests := []struct {
		reusePort     bool
		secondListens bool
	}{
		{reusePort: true, secondListens: true},
		{reusePort: false, secondListens: false},
	}
	for name, listen := range listens {
		for _, tt := range tests {
			testutil.ForEachBackend(t, func(t *testing.T, backend string) {
				l, _ := testutil.NewLoop(t, backend)
				addr, closeFirst, err := listen(l, "127.0.0.1:0", callbacks.ReusePort(tt.reusePort))
				if err != nil {
					t.Fatalf("%s with ReusePort(%v): %v", name, tt.reusePort, err)
				}
				defer closeFirst()
				_, closeSecond, err := listen(l, addr, callbacks.ReusePort(tt.reusePort))
				if err == nil {
					closeSecond()
				}
				if diff := cmp.Diff(tt.secondListens, err == nil); diff != "" {
					t.Errorf("%s twice on %s with ReusePort(%v): the second listens (-want +got):\n%s\nerror: %v", name, addr, tt.reusePort, diff, err)
				}
			})
		}
	}
}
