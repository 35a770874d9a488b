package sock

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// unixPrefix starts an address that names a Unix-domain socket by its path:
// "unix:/tmp/chat.sock", or "unix:chat.sock" relative to the working
// directory. A bare path is not taken: "chat.sock:80" would then be a file
// or a host depending on what the disk holds. gRPC's and Docker's addresses
// ("unix:///var/run/docker.sock") are written the same way.
const unixPrefix = "unix:"

// UnixPath returns the path addr names and true, if addr is a Unix-domain
// address ("unix:PATH"); otherwise "" and false: a TCP "host:port".
func UnixPath(addr string) (string, bool) {
	return strings.CutPrefix(addr, unixPrefix)
}

// SplitNetwork returns the network and the address that addr names, as
// package net's Dial and Listen take them: ("unix", PATH) for "unix:PATH",
// else ("tcp", addr). The kit's baselines and its line client, which use
// package net, take the kit's addresses through it.
func SplitNetwork(addr string) (network, address string) {
	if path, ok := UnixPath(addr); ok {
		return "unix", path
	}
	return "tcp", addr
}

// maxUnixPath is the longest path a Unix-domain socket can have here: the
// size of sockaddr_un's sun_path (108 bytes on Linux, 104 on the BSDs and
// macOS), less the NUL that ends it.
var maxUnixPath = len(unix.RawSockaddrUnix{}.Path) - 1

// checkUnixPath refuses what bind and connect would refuse with a bare
// EINVAL, or take for something else, with an error that names the problem.
//
// Discussion: Linux also has an abstract namespace: a name that starts with
// a NUL byte (written "@name" by Go's net) makes no file at all, and
// vanishes with its last socket. The kit does not take it: it is Linux
// only, and the file, made at bind, stale after a crash, removed at Close,
// is the part of Unix sockets worth learning.
func checkUnixPath(addr, path string) error {
	switch {
	case path == "":
		return fmt.Errorf("address %q: no path after %q", addr, unixPrefix)
	case path[0] == '@':
		return fmt.Errorf("address %q: abstract Unix sockets (@name) are not supported: give a file path", addr)
	case len(path) > maxUnixPath:
		return fmt.Errorf("address %q: the path is %d bytes, and a Unix socket's path (sun_path, %d bytes with its NUL) holds at most %d here: choose a shorter one",
			addr, len(path), maxUnixPath+1, maxUnixPath)
	}
	return nil
}

// listenUnix returns a non-blocking Unix-domain stream socket listening on
// path, and its Endpoint, which names the socket file its bind made: the
// listener's close removes it (CloseListener). Before it binds, it removes a
// stale socket file left at path by a server that did not close (it
// crashed, or was killed): a socket file no server listens on. It refuses
// to remove a file that is not a socket, and a socket a server answers on
// is an address in use. ReusePort(true) is refused: SO_REUSEPORT shares a
// port, and a path has none.
//
// Anyone who may write the socket file may connect: its permissions, set
// by the umask at bind, are a Unix socket's access control.
func listenUnix(addr, path string, opts ...ListenOption) (int, Endpoint, error) {
	var c listenConfig
	for _, opt := range opts {
		opt(&c)
	}
	if err := checkUnixPath(addr, path); err != nil {
		return -1, Endpoint{}, err
	}
	if c.reusePort {
		return -1, Endpoint{}, fmt.Errorf("listen unix %s: SO_REUSEPORT (ReusePort) shares a port among listeners, and a path has none", path)
	}
	if err := removeStale(path); err != nil {
		return -1, Endpoint{}, fmt.Errorf("listen unix %s: %w", path, err)
	}
	fd, err := Socket(unix.AF_UNIX, unix.SOCK_STREAM)
	if err != nil {
		return -1, Endpoint{}, err
	}
	made, err := bindUnix(fd, path)
	if err != nil {
		unix.Close(fd)
		return -1, Endpoint{}, fmt.Errorf("listen unix %s: %w", path, err)
	}
	return fd, Endpoint{Path: path, made: made}, nil
}

// removeStale removes the socket file at path if no server listens on it.
// A connect tells: refused means no socket listens there any more. (A live
// server sees that probe as a connection closed at once.)
func removeStale(path string) error {
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case info.Mode().Type() != fs.ModeSocket:
		return fmt.Errorf("%s exists and is a %s, not a socket: not removed", path, fileKind(info))
	}
	probe, err := Socket(unix.AF_UNIX, unix.SOCK_STREAM)
	if err != nil {
		return err
	}
	err = unix.Connect(probe, &unix.SockaddrUnix{Name: path})
	unix.Close(probe)
	switch {
	case errors.Is(err, unix.ECONNREFUSED):
		return os.Remove(path) // stale: left by a server that is gone
	case errors.Is(err, unix.ENOENT):
		return nil // removed meanwhile
	case err == nil, errors.Is(err, unix.EAGAIN), errors.Is(err, unix.EINPROGRESS):
		return errors.New("address already in use: a server answers on this path (stop it, or choose another)")
	}
	return os.NewSyscallError("connect", err)
}

// fileKind names the type of a file for removeStale's refusal.
func fileKind(info fs.FileInfo) string {
	switch t := info.Mode().Type(); {
	case t == 0:
		return "regular file"
	case t&fs.ModeDir != 0:
		return "directory"
	case t&fs.ModeSymlink != 0:
		return "symbolic link"
	}
	return "special file"
}

// bindUnix binds fd to path, which makes the socket file, and listens; it
// returns the file as made. If listen fails, the file is removed again:
// nothing would ever listen on it.
func bindUnix(fd int, path string) (fs.FileInfo, error) {
	if err := unix.Bind(fd, &unix.SockaddrUnix{Name: path}); err != nil {
		if errors.Is(err, unix.EADDRINUSE) {
			return nil, fmt.Errorf("address already in use (a file appeared at %s since the check for a stale one): %w", path, os.NewSyscallError("bind", err))
		}
		return nil, os.NewSyscallError("bind", err)
	}
	made, statErr := os.Lstat(path)
	if err := unix.Listen(fd, Backlog); err != nil {
		os.Remove(path)
		return nil, os.NewSyscallError("listen", err)
	}
	return made, statErr
}

// removeFile removes a Unix-domain listener's socket file, for
// CloseListener: closing the socket leaves its file behind, and the next
// server's bind on that path would fail. Only the file this listener made
// is removed: if another server has since removed it and bound its own at
// the same path, that one is left alone. A file already gone is no error,
// and a TCP endpoint has no file: its removeFile does nothing.
func (e Endpoint) removeFile() error {
	if e.Path == "" {
		return nil
	}
	now, err := os.Lstat(e.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil || !os.SameFile(e.made, now) {
		return err
	}
	return os.Remove(e.Path)
}

// UnixAddr returns the path of a Unix-domain socket's end as the net.Addr
// that net.Conn's LocalAddr and RemoteAddr return. An unnamed end (a
// client's, which connects without binding) has the name "", as on every
// system and as unix(7) calls it; Go's own net says "@" for it on Linux.
func UnixAddr(sa unix.Sockaddr) *net.UnixAddr {
	name := ""
	if sa, ok := sa.(*unix.SockaddrUnix); ok && sa.Name != "@" {
		name = sa.Name
	}
	return &net.UnixAddr{Name: name, Net: "unix"}
}

// UnixAddrs returns the two ends of a Unix-domain socket, fd's own and its
// peer's, as UnixAddr does.
func UnixAddrs(fd int) (local, remote *net.UnixAddr) {
	own, _ := unix.Getsockname(fd)
	peer, _ := unix.Getpeername(fd)
	return UnixAddr(own), UnixAddr(peer)
}
