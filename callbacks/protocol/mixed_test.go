package protocol_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestStylesTalkToEachOther runs a callbacks server and a protocol client on
// one loop, and a protocol server and a callbacks client, each pair
// exchanging a question and an answer: the two front ends drive the same
// loop with the same Conns.
func TestStylesTalkToEachOther(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		var got []string

		// callbacks server, protocol client
		var ln *callbacks.Listener
		ln, err := callbacks.Listen(l, "127.0.0.1:0", func(c *callbacks.Conn) {
			ln.Close()
			c.OnRead(func(data []byte, err error) {
				if err != nil {
					c.Close()
					return
				}
				c.Write(append([]byte("callbacks server heard: "), data...), nil)
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		client := &recorder{
			onMade: func(r *recorder) { r.t.Write([]byte("protocol client")) },
			onData: func(r *recorder, data []byte) { r.t.Close() },
			onLost: func(r *recorder, err error) { got = append(got, string(r.received)) },
		}
		protocol.Connect(l, ln.Addr().String(), client, nil)

		// protocol server, callbacks client
		var server *protocol.Server
		server, err = protocol.Serve(l, "127.0.0.1:0", func() protocol.Protocol {
			return &recorder{
				onData: func(r *recorder, data []byte) {
					r.t.Write(append([]byte("protocol server heard: "), data...))
				},
				onLost: func(*recorder, error) { server.Close() },
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		callbacks.Dial(l, server.Addr().String(), func(c *callbacks.Conn, err error) {
			if err != nil {
				t.Errorf("Dial: %v", err)
				return
			}
			c.OnRead(func(data []byte, err error) {
				if err == nil {
					got = append(got, string(data))
				}
				c.Close()
			})
			c.Write([]byte("callbacks client"), nil)
		})

		testutil.Run(t, l, 10*time.Second)
		want := []string{"callbacks server heard: protocol client", "protocol server heard: callbacks client"}
		if diff := cmp.Diff(want, got, cmpSorted); diff != "" {
			t.Errorf("answers (-want +got):\n%s", diff)
		}
	})
}
