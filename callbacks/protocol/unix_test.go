package protocol_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestUnixServeAndConnectKeepBytesIntact runs both ends on a path: a
// protocol client sends a megabyte in random chunks, with flow control, to
// a protocol echo server, and reads the echo until end of file. The
// transports' addresses are the zero AddrPort, and the server's Close
// removes its socket file.
func TestUnixServeAndConnectKeepBytesIntact(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		path := testutil.SocketPath(t, "protocol.sock")
		var server *protocol.Server
		var r *recorder
		server, err := protocol.Serve(l, "unix:"+path, func() protocol.Protocol {
			server.Close() // one connection, then stop listening
			r = echoing(&recorder{})
			return r
		})
		if err != nil {
			t.Fatal(err)
		}
		sent := randomBytes(1<<20, 7)
		s := &sender{chunks: randomChunks(sent, 8)}
		var addrs []string
		s.onMade = func(*recorder) {
			addrs = append(addrs, s.t.LocalAddr().String(), s.t.RemoteAddr().String())
			s.fill()
		}
		var connectErr error
		protocol.Connect(l, "unix:"+path, s, func(err error) { connectErr = err })
		testutil.Run(t, l, 10*time.Second)
		if connectErr != nil {
			t.Fatalf("Connect(unix:%s): %v", path, connectErr)
		}
		if diff := cmp.Diff(digestOf(sent), digestOf(s.received)); diff != "" {
			t.Errorf("echoed bytes (-want +got):\n%s", diff)
		}
		want := []string{"made", "data", "eof", "lost: nil"}
		if diff := cmp.Diff(want, r.events); diff != "" {
			t.Errorf("server protocol events (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"invalid AddrPort", "invalid AddrPort"}, addrs); diff != "" {
			t.Errorf("the client transport's LocalAddr and RemoteAddr (-want +got):\n%s", diff)
		}
		if server.Path() != path || server.Addr().IsValid() {
			t.Errorf("server Path() = %q, Addr() = %v; want %q and the zero AddrPort", server.Path(), server.Addr(), path)
		}
		if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("after the server's Close, Lstat(%s) = %v; want the socket file removed", path, err)
		}
	})
}
