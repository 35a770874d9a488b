package chat_test

import (
	"net"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/examples/chat"
	"github.com/loopkit/loopkit/examples/chat/chattest"
	"github.com/loopkit/loopkit/examples/internal/styletest"
	"github.com/loopkit/loopkit/internal/chatroom"
)

// TestChat runs the chat suite, the talk's cases and a real room's, on
// every style, each loop style on every backend.
func TestChat(t *testing.T) {
	for _, style := range chat.Styles {
		styletest.ForEachBackend(t, style.Name, func(t *testing.T, backend string) {
			start := func(t *testing.T, limits chatroom.Limits) string {
				cfg := styletest.Config(t, backend)
				return styletest.Start(t, func() (examples.Server, error) { return style.Start(cfg, limits) })
			}
			chattest.Run(t, start)
			chattest.RunRoom(t, start)
		})
	}
}

// TestUnservedConnectionReported has the server accept a connection whose
// fd select cannot watch (at or above FD_SETSIZE): each loop style must
// report it, where the user only sees the connection close. (Go's net, under
// the goroutines style, has no such limit.)
func TestUnservedConnectionReported(t *testing.T) {
	for _, style := range chat.Styles {
		if style.Name == "goroutines" {
			continue
		}
		t.Run(style.Name, func(t *testing.T) {
			reported := make(chan error, 16)
			cfg := examples.Config{Addr: "127.0.0.1:0", Backend: "select", OnError: func(err error) { reported <- err }}
			addr := styletest.Start(t, func() (examples.Server, error) { return style.Start(cfg, chattest.Limits) })
			useFDsBelow(t, unix.FD_SETSIZE)
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			select {
			case err := <-reported:
				if !strings.Contains(err.Error(), "could not serve") {
					t.Errorf("the server reported %q, want it to say it could not serve the connection", err)
				}
			case <-time.After(chattest.Bound()):
				t.Errorf("the server accepted a connection above FD_SETSIZE on select and reported nothing in %v", chattest.Bound())
			}
		})
	}
}

// useFDsBelow opens copies of an fd until every number below n is in use,
// so that the next fd is n or more, and closes them when the test ends.
func useFDsBelow(t *testing.T, n int) {
	t.Helper()
	for {
		fd, err := unix.Dup(0)
		if err != nil {
			t.Skipf("cannot open fds up to %d: %v", n, err)
		}
		t.Cleanup(func() { unix.Close(fd) })
		if fd >= n-1 {
			return
		}
	}
}
