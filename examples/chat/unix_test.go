package chat_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/examples/chat"
	"github.com/loopkit/loopkit/examples/chat/chattest"
	"github.com/loopkit/loopkit/examples/internal/styletest"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestChatOnAPath serves the chat on a Unix-domain socket in every style,
// each loop style on every backend: two users join with Go's net, one is
// told the other joined "from this machine" (a Unix socket has no IP
// address), and hears what the other says. Closing the server removes its
// socket file.
func TestChatOnAPath(t *testing.T) {
	for _, style := range chat.Styles {
		styletest.ForEachBackend(t, style.Name, func(t *testing.T, backend string) {
			testutil.CheckFDs(t)
			path := testutil.SocketPath(t, "chat.sock")
			cfg := styletest.Config(t, backend)
			cfg.Addr = "unix:" + path
			srv, err := style.Start(cfg, chattest.Limits)
			if err != nil {
				t.Fatalf("starting the chat on %s: %v", cfg.Addr, err)
			}
			if srv.Addr() != cfg.Addr {
				t.Errorf("Addr() = %q, want %q", srv.Addr(), cfg.Addr)
			}
			alice := joinUnix(t, path, "alice")
			alice.WriteString("ready\n")
			got := []string{readLine(t, alice)}
			bob := joinUnix(t, path, "bob")
			got = append(got, readLine(t, alice))
			bob.WriteString("hi\n")
			got = append(got, readLine(t, alice))
			want := []string{chatroom.Message("alice", "ready"), chatroom.Joined("bob", "this machine"), chatroom.Message("bob", "hi")}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("what alice read (-want +got):\n%s", diff)
			}
			styletest.Close(t, srv)
			if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("after the server's Close, Lstat(%s) = %v; want the socket file removed", path, err)
			}
		})
	}
}

// A unixUser is a chat user on a Unix-domain socket.
type unixUser struct {
	*bufio.ReadWriter
	conn net.Conn
}

// WriteString sends s at once.
func (u unixUser) WriteString(s string) {
	u.ReadWriter.WriteString(s)
	u.Flush()
}

// joinUnix connects to the chat at path, reads the prompt and gives name.
func joinUnix(t *testing.T, path, name string) unixUser {
	t.Helper()
	conn, err := net.DialTimeout("unix", path, chattest.Bound())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(chattest.Bound()))
	u := unixUser{bufio.NewReadWriter(bufio.NewReader(conn), bufio.NewWriter(conn)), conn}
	prompt := make([]byte, len(chatroom.Prompt))
	if _, err := io.ReadFull(u, prompt); err != nil || string(prompt) != chatroom.Prompt {
		t.Fatalf("%s: read %q, %v; want the prompt %q", name, prompt, err, chatroom.Prompt)
	}
	u.WriteString(name + "\n")
	return u
}

// readLine reads one line of u's, "\n" included.
func readLine(t *testing.T, u unixUser) string {
	t.Helper()
	line, err := u.ReadString('\n')
	if err != nil {
		t.Fatalf("reading a line: got %q, then %v", line, err)
	}
	return line
}
