package callbacks_test

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestPeerHalfClose has a net client send a question and half-close
// (CloseWrite). Our server reads the question, then io.EOF, and, its
// sending half still open, writes the answer and closes; the client reads
// the answer to end of file.
func TestPeerHalfClose(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		var reads []string
		var ln *callbacks.Listener
		ln, err := callbacks.Listen(l, "127.0.0.1:0", func(c *callbacks.Conn) {
			ln.Close()
			var question []byte
			c.OnRead(func(data []byte, err error) {
				switch err {
				case nil:
					question = append(question, data...)
				case io.EOF:
					reads = append(reads, string(question), "EOF")
					c.Write([]byte("answer to "+string(question)), nil)
					c.Close()
				default:
					reads = append(reads, err.Error())
				}
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		var answer string
		wait := testutil.Go(t, func() error {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				return err
			}
			defer conn.Close()
			conn.SetDeadline(testutil.Deadline())
			if _, err := conn.Write([]byte("why?")); err != nil {
				return err
			}
			if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
				return err
			}
			got, err := io.ReadAll(conn)
			answer = string(got)
			return err
		})
		testutil.Run(t, l, 10*time.Second)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"why?", "EOF"}, reads); diff != "" {
			t.Errorf("server reads (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff("answer to why?", answer); diff != "" {
			t.Errorf("client read (-want +got):\n%s", diff)
		}
	})
}
