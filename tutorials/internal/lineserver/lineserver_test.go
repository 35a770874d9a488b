package lineserver

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/loop"
)

// TestLaterKeepsTheConnectionOpenForItsAnswer sends two lines and closes
// its sending half at once: the first line is answered now, the second
// later, by a timer; the client must get both, then the end of the
// stream, and the handler must have seen the lines whole and in order.
func TestLaterKeepsTheConnectionOpenForItsAnswer(t *testing.T) {
	for _, backend := range loop.Backends() {
		t.Run(backend, func(t *testing.T) {
			l, err := loop.New(loop.WithBackend(backend), loop.WithErrorHandler(func(err error) { t.Errorf("the loop reported: %v", err) }))
			if err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			var lines []string
			srv, err := Serve(l, "127.0.0.1:0", func(c *Conn, line string) {
				lines = append(lines, line)
				if line == "now" {
					c.Reply("now!\n")
					return
				}
				answer := c.Later()
				l.CallLater(20*time.Millisecond, func() { answer("later!\n") })
			})
			if err != nil {
				t.Fatal(err)
			}
			got := make(chan string, 1)
			go func() {
				got <- client(srv.Addr(), "now\nla", "ter\n")
				l.CallSoonThreadSafe(srv.Close)
			}()
			if err := l.Run(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff("now!\nlater!\n", <-got); diff != "" {
				t.Errorf("the client read (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"now", "later"}, lines); diff != "" {
				t.Errorf("the handler's lines (-want +got):\n%s", diff)
			}
		})
	}
}

// client sends the pieces, closes its sending half, and reads to the end.
func client(addr string, pieces ...string) string {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err.Error()
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	for _, p := range pieces {
		io.WriteString(conn, p)
		time.Sleep(time.Millisecond) // let them arrive apart: a line split in two
	}
	conn.(*net.TCPConn).CloseWrite()
	data, err := io.ReadAll(conn)
	if err != nil {
		return string(data) + " then " + err.Error()
	}
	return string(data)
}
