package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/internal/testutil"
)

// TestJoinPrintsRepliesAsTheyArriveAndCtrlDEndsIt types two lines into
// join, connected to an echo server, reading each echo before typing the
// next line: join prints what arrives without waiting for the end. Then
// Ctrl-D: join half-closes, the echo server closes in turn, join returns.
func TestJoinPrintsRepliesAsTheyArriveAndCtrlDEndsIt(t *testing.T) {
	addr := testutil.EchoServer(t, "127.0.0.1:0")
	typed, typing := io.Pipe()
	printed, printing := io.Pipe()
	t.Cleanup(func() { typing.Close(); printed.Close() })
	wait := testutil.Go(t, func() error { return join(addr, typed, printing) })

	lines := bufio.NewReader(printed)
	for _, line := range []string{"hello\n", "bye\n"} {
		io.WriteString(typing, line)
		if diff := cmp.Diff(line, readLine(t, lines)); diff != "" {
			t.Fatalf("join printed (-want +got):\n%s", diff)
		}
	}
	typing.Close() // Ctrl-D
	if err := wait(); err != nil {
		t.Errorf("join after Ctrl-D: %v, want nil: the server closed after end of file", err)
	}
}

// readLine reads a line of what join prints, or fails the test if none
// comes within the peers' time bound.
func readLine(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		line, _ := r.ReadString('\n')
		got <- line
	}()
	select {
	case line := <-got:
		return line
	case <-time.After(testutil.Scale(10 * time.Second)):
		t.Fatal("join printed no line within 10 s")
		return ""
	}
}

// TestJoinEndsWhenTheServerCloses: a server that says goodbye and hangs up
// ends join, although the user has typed nothing and not pressed Ctrl-D.
func TestJoinEndsWhenTheServerCloses(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	testutil.Go(t, func() error {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = io.WriteString(c, "the room is full\n")
		return err
	})
	typed, typing := io.Pipe()
	t.Cleanup(func() { typing.Close() })
	var out bytes.Buffer
	wait := testutil.Go(t, func() error { return join(ln.Addr().String(), typed, &out) })
	if err := wait(); err != nil {
		t.Errorf("join: %v", err)
	}
	if diff := cmp.Diff("the room is full\n", out.String()); diff != "" {
		t.Errorf("join printed (-want +got):\n%s", diff)
	}
}

func TestJoinNamesTheAddressItCannotReach(t *testing.T) {
	addr := testutil.ClosedPort(t)
	err := join(addr, strings.NewReader(""), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "cannot connect to "+addr+": connect: connection refused") {
		t.Errorf("join(%s) with nothing listening = %v, want an error naming the address and the refusal", addr, err)
	}
}

func TestJoinWantsOneAddress(t *testing.T) {
	for _, args := range [][]string{nil, {"127.0.0.1", "7008"}} {
		var stdout, stderr bytes.Buffer
		if status := joinCommand(args, &stdout, &stderr); status != 2 || !strings.Contains(stderr.String(), "usage: loopkit join HOST:PORT") {
			t.Errorf("loopkit join %s: status %d, stderr %q; want 2 and the usage", strings.Join(args, " "), status, stderr.String())
		}
	}
}

// TestJoinReachesAServerOnAPath joins a server on a Unix-domain socket,
// named as the kit names it ("unix:PATH"): what is typed comes back, and
// Ctrl-D half-closes the connection, as over TCP.
func TestJoinReachesAServerOnAPath(t *testing.T) {
	testutil.CheckFDs(t)
	path := testutil.SocketPath(t, "join.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	testutil.Go(t, func() error { // an echo server for one connection
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetDeadline(testutil.Deadline())
		_, err = io.Copy(c, c)
		return err
	})
	var out bytes.Buffer
	if err := join("unix:"+path, strings.NewReader("hello\n"), &out); err != nil {
		t.Errorf("join(unix:%s): %v", path, err)
	}
	if diff := cmp.Diff("hello\n", out.String()); diff != "" {
		t.Errorf("join printed (-want +got):\n%s", diff)
	}
}
