// Command join is the tutorial's line client: it connects to a step's
// server, sends what you type, and prints what comes back, the job nc or
// telnet does, written in Go so that the tutorial needs nothing else.
//
//	go run ./tutorials/internal/join 127.0.0.1:7008
//
// Ctrl-D ends what you send (the server sees end of file, as when a chat
// user leaves); join ends when the server closes the connection. Ctrl-C
// ends it at once.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run ./tutorials/internal/join HOST:PORT")
		os.Exit(2)
	}
	if err := join(os.Args[1], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "join:", err)
		os.Exit(1)
	}
}

// join copies in to the server at addr, and what the server sends to out,
// until the server closes the connection.
func join(addr string, in io.Reader, out io.Writer) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return fmt.Errorf("%w\n  is the step running? start it in another terminal: go run ./tutorials/NN-name", err)
	}
	defer conn.Close()
	go func() {
		io.Copy(conn, in)
		conn.(*net.TCPConn).CloseWrite() // end of input: the server reads end of file
	}()
	_, err = io.Copy(out, conn)
	return err
}
