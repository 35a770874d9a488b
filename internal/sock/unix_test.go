package sock_test

import (
	"errors"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/internal/testutil"
	"golang.org/x/sys/unix"
)

// listenUnix listens on path and closes the socket, and removes its file,
// when the test ends.
func listenUnix(t *testing.T, path string) {
	t.Helper()
	fd, bound, err := sock.ListenStream("unix:" + path)
	if err != nil {
		t.Fatalf("ListenStream(unix:%s): %v", path, err)
	}
	t.Cleanup(func() { sock.CloseListener(fd, bound) })
}

// leaveStaleSocket binds a socket at path and closes it without removing
// its file: what a server that crashed leaves behind.
func leaveStaleSocket(t *testing.T, path string) {
	t.Helper()
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
}

func TestListenUnixRefusesWhatItCannotBindWithAnErrorThatNamesIt(t *testing.T) {
	long := "/" + strings.Repeat("x", 200)
	tests := []struct {
		name      string
		path      string
		reusePort bool
		want      string
	}{
		{"no path", "", false, `no path after "unix:"`},
		{"abstract name", "@chat", false, "abstract Unix sockets (@name) are not supported"},
		{"longer than sun_path", long, false, "the path is 201 bytes, and a Unix socket's path (sun_path"},
		{"ReusePort", "/tmp/chat.sock", true, "SO_REUSEPORT (ReusePort) shares a port among listeners, and a path has none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.CheckFDs(t)
			fd, _, err := sock.ListenStream("unix:"+tt.path, sock.ReusePort(tt.reusePort))
			if err == nil {
				unix.Close(fd)
				t.Fatalf("ListenStream(unix:%s) = fd %d, nil; want an error containing %q", tt.path, fd, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ListenStream(unix:%s) = %v; want an error containing %q", tt.path, err, tt.want)
			}
		})
	}
}

func TestListenUnixRemovesAStaleSocketFileAndCloseRemovesItsOwn(t *testing.T) {
	testutil.CheckFDs(t)
	path := testutil.SocketPath(t, "stale.sock")
	leaveStaleSocket(t, path)
	fd, bound, err := sock.ListenStream("unix:" + path)
	if err != nil {
		t.Fatalf("ListenStream over a stale socket file: %v", err)
	}
	if err := sock.CloseListener(fd, bound); err != nil {
		t.Fatalf("CloseListener: %v", err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after CloseListener, Lstat(%s) = %v; want the file gone", path, err)
	}
}

func TestListenUnixLeavesWhatIsNotStale(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, path string) // what is at path before Listen
		want string
	}{
		{"regular file", func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "exists and is a regular file, not a socket: not removed"},
		{"directory", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}, "exists and is a directory, not a socket: not removed"},
		{"a live server's socket", func(t *testing.T, path string) { listenUnix(t, path) },
			"address already in use: a server answers on this path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.CheckFDs(t)
			path := testutil.SocketPath(t, "taken")
			tt.make(t, path)
			before, _ := os.Lstat(path)
			fd, _, err := sock.ListenStream("unix:" + path)
			if err == nil {
				unix.Close(fd)
				t.Fatalf("ListenStream(unix:%s) succeeded; want an error containing %q", path, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ListenStream(unix:%s) = %v; want an error containing %q", path, err, tt.want)
			}
			if after, err := os.Lstat(path); err != nil || !os.SameFile(before, after) {
				t.Errorf("after the refused ListenStream, Lstat(%s) = %v; want the file left as it was", path, err)
			}
		})
	}
}

func TestCloseListenerLeavesAnotherListenersFile(t *testing.T) {
	testutil.CheckFDs(t)
	path := testutil.SocketPath(t, "reused.sock")
	fd, first, err := sock.ListenStream("unix:" + path)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(path)     // someone removes the first file...
	listenUnix(t, path) // ...and a second server binds the path
	if err := sock.CloseListener(fd, first); err != nil {
		t.Fatalf("CloseListener of the first listener: %v", err)
	}
	if c, err := net.Dial("unix", path); err != nil {
		t.Errorf("the second listener's file was removed with the first's: Dial: %v", err)
	} else {
		c.Close()
	}
}

func TestConnectUnixErrorsNameThePathAndTheCause(t *testing.T) {
	dir := testutil.SocketPath(t, "")
	tests := []struct {
		name  string
		setUp func(t *testing.T, path string)
		want  error
	}{
		{"no file", func(*testing.T, string) {}, unix.ENOENT},
		{"stale socket file", leaveStaleSocket, unix.ECONNREFUSED},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.CheckFDs(t)
			path := dir + "/" + strings.ReplaceAll(tt.name, " ", "-")
			tt.setUp(t, path)
			fd, err := sock.Connect("unix:" + path)
			if err == nil {
				unix.Close(fd)
				t.Fatalf("Connect(unix:%s) succeeded; want %v", path, tt.want)
			}
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), "dial unix "+path) {
				t.Errorf("Connect(unix:%s) = %v; want an error wrapping %v that names the path", path, err, tt.want)
			}
		})
	}
}

func TestEndpointNamesTheSocketAsDialTakesIt(t *testing.T) {
	testutil.CheckFDs(t)
	path := testutil.SocketPath(t, "named.sock")
	fd, unixEnd, err := sock.ListenStream("unix:" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer sock.CloseListener(fd, unixEnd)
	fd2, tcpEnd, err := sock.ListenStream("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd2)
	type names struct{ String, Network, NetAddr string }
	want := []names{{"unix:" + path, "unix", path}, {tcpEnd.AddrPort.String(), "tcp", tcpEnd.AddrPort.String()}}
	var got []names
	for _, e := range []sock.Endpoint{unixEnd, tcpEnd} {
		got = append(got, names{e.String(), e.Network(), e.NetAddr().String()})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("endpoints (-want +got):\n%s", diff)
	}
}
