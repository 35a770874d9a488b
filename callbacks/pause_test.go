package callbacks_test

import (
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestPauseReading: after PauseReading no chunk is read, though the peer
// has sent one; after ResumeReading it is.
func TestPauseReading(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		var events []string
		var ln *callbacks.Listener
		ln, err := callbacks.Listen(l, "127.0.0.1:0", func(c *callbacks.Conn) {
			ln.Close()
			c.OnRead(func(data []byte, err error) {
				if err != nil {
					events = append(events, "read: "+kind(err))
					c.Close()
					return
				}
				events = append(events, "read: "+string(data))
				if string(data) == "first" {
					c.PauseReading()
					c.Write([]byte("paused"), nil)
					// The peer sends "second" when it reads "paused"; give
					// it ample time to arrive, then resume.
					l.CallLater(100*time.Millisecond, func() {
						events = append(events, "resume")
						c.ResumeReading()
					})
				}
			})
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
			if _, err := conn.Write([]byte("first")); err != nil {
				return err
			}
			if _, err := conn.Read(make([]byte, len("paused"))); err != nil {
				return err
			}
			_, err = conn.Write([]byte("second"))
			return err
		})
		testutil.Run(t, l, 10*time.Second)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		want := []string{"read: first", "resume", "read: second", "read: EOF"}
		if diff := cmp.Diff(want, events); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}
