package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"github.com/loopkit/loopkit/internal/sock"
)

// joinCommand is loopkit join: a line client, the job of nc or telnet, so
// that a workshop room needs neither:
//
//	loopkit join HOST:PORT        (go run ./cmd/loopkit join 127.0.0.1:7008)
//	loopkit join unix:PATH        (a server on a path: loopkit run chat --addr unix:/tmp/chat.sock)
//
// What you type is sent when you press Enter: the terminal hands over a
// line at a time. What the server sends is printed as it arrives. Ctrl-D
// ends what you send, as a chat user who leaves: join half-closes the
// connection and the server reads end of file, but what it still sends is
// printed. join ends when the server closes the connection; Ctrl-C ends it
// at once.
//
// join is the independent peer of the kit's servers: it uses Go's net, not
// the kit, so that a bug of the kit cannot hide behind the same bug in its
// client.
func joinCommand(args []string, stdout, stderr io.Writer) int {
	const usage = "usage: loopkit join HOST:PORT | unix:PATH  (for example: loopkit join 127.0.0.1:7008)\n"
	switch {
	case len(args) == 1 && isHelp(args[0]):
		fmt.Fprint(stdout, usage)
		return 0
	case len(args) != 1:
		fmt.Fprint(stderr, "loopkit join: which server? "+usage)
		return 2
	}
	// The one reader of the terminal: cli's callers give no stdin of their
	// own, and join is for a person at a terminal.
	if err := join(args[0], os.Stdin, stdout); err != nil {
		fmt.Fprintf(stderr, "loopkit join: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "loopkit join: %s closed the connection\n", args[0])
	return 0
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// dialTimeout bounds a connect to an address that does not answer: a
// mistyped address of the room would otherwise hang for minutes, while the
// kernel retries.
const dialTimeout = 5 * time.Second

// join sends in to the server at addr ("host:port", or "unix:PATH" for a
// Unix-domain socket, as the kit's Dial takes it), and prints to out what
// the server sends, until the server closes the connection. At the end of
// in, it half-closes the connection and keeps printing.
func join(addr string, in io.Reader, out io.Writer) error {
	network, address := sock.SplitNetwork(addr)
	conn, err := net.DialTimeout(network, address, dialTimeout)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) {
			err = op.Err // the address is said once, below
		}
		return fmt.Errorf("cannot connect to %s: %w\n  is the server running there? (a tutorial step: go run ./tutorials/NN-name, in another terminal)", addr, err)
	}
	defer conn.Close()
	go send(conn.(halfCloser), in)
	if _, err := io.Copy(out, conn); err != nil {
		return fmt.Errorf("reading from %s: %w", addr, err)
	}
	return nil
}

// A halfCloser is a connection that can end what it sends and still
// receive: *net.TCPConn and *net.UnixConn.
type halfCloser interface {
	io.Writer
	CloseWrite() error
}

// send copies in to the server, then half-closes the connection: the
// server reads end of file, as when a user leaves, and may still answer.
func send(conn halfCloser, in io.Reader) {
	io.Copy(conn, in)
	conn.CloseWrite()
}
