package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
)

// TestSmoke runs the program's demo as a student would, on the reference
// loop and a free port, with a short idle phase so that it is quick.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	err := run([]string{"-ref", "-demo", "-addr", "127.0.0.1:0", "-clients", "5", "-idle", "300ms"}, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Wait calls") {
		t.Errorf("the demo printed no table:\n%s", out.String())
	}
}

// The tests of -serve: the talk's chat on the reference loop, and the
// refusal of a loop that fails the suite. Like TestSmoke they run the
// reference, and so the student edition, which has none, leaves them out
// with this file.

// TestChatOnTheReferenceLoop serves the chat of chat.go on the reference
// loop and has two users talk: the prompt, the join, a message, a leave.
func TestChatOnTheReferenceLoop(t *testing.T) {
	steptest.CheckLeaks(t)
	srv := serveChat(t, chatroom.DefaultLimits)
	alice := join(t, srv.Addr, "alice")
	alice.send(t, "anyone?")
	alice.expect(t, chatroom.Message("alice", "anyone?")) // alice is in the room
	bob := join(t, srv.Addr, "bob")
	alice.expect(t, chatroom.Joined("bob", "127.0.0.1"))
	alice.send(t, "hello, loop")
	bob.expect(t, chatroom.Message("alice", "hello, loop"))
	alice.conn.Close()
	bob.expect(t, chatroom.Left("alice"))
	bob.conn.Close()
	srv.Stop()
}

// TestChatDropsAUserWhoStopsReading: bob reads nothing while alice talks.
// Once the kernel's buffers toward bob are full, alice's lines wait in
// bob's queue (the writes return EAGAIN); at MaxQueued of them the room
// drops bob, with a reset, and tells alice, who goes on.
func TestChatDropsAUserWhoStopsReading(t *testing.T) {
	steptest.CheckLeaks(t)
	limits := chatroom.DefaultLimits
	limits.MaxQueued = 200 // more than one read of alice's (64 KiB, 65 lines) queues for each user at once
	srv := serveChat(t, limits)
	alice := join(t, srv.Addr, "alice")
	alice.send(t, "anyone?")
	alice.expect(t, chatroom.Message("alice", "anyone?"))
	bob := join(t, srv.Addr, "bob") // who reads nothing from now on
	alice.expect(t, chatroom.Joined("bob", "127.0.0.1"))
	left := make(chan error, 1)
	go func() { left <- alice.readUntil(chatroom.Left("bob")) }() // alice reads her own lines meanwhile
	line := strings.Repeat("x", 1000)
	const most = 50000 // 50 MB: far more than loopback buffers toward one reader
	var err error
	for i := 0; i < most; i++ {
		if i%100 == 0 && len(left) > 0 {
			break
		}
		if _, err = alice.conn.Write([]byte(line + "\n")); err != nil {
			t.Fatalf("alice's line %d: %v", i, err)
		}
	}
	if err := <-left; err != nil {
		t.Fatalf("alice, after %d lines bob did not read: %v", most, err)
	}
	var buf [64 << 10]byte
	for err == nil {
		_, err = bob.conn.Read(buf[:])
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("bob, dropped: his connection ended with %v, want a reset", err)
	}
	alice.send(t, "still here")
	alice.expect(t, chatroom.Message("alice", "still here"))
	srv.Stop()
}

// serveChat serves the chat of chat.go on the reference loop, on a free
// port (the returned server's Addr), until the test ends.
func serveChat(t *testing.T, limits chatroom.Limits) *steptest.Server {
	t.Helper()
	p, err := loop.NewPoller(loop.Backends()[0])
	if err != nil {
		t.Fatal(err)
	}
	srv := steptest.NewServer(t, "")
	l, err := impls["solution"](p, timers.Real{}, srv.Report)
	if err != nil {
		p.Close()
		t.Fatal(err)
	}
	chat, err := listenChat(l, "127.0.0.1:0", limits, srv.Report)
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	srv.Addr = chat.addr.String()
	srv.OnStop(func() { l.CallSoonThreadSafe(chat.Close) }) // then Run returns: nothing left
	srv.Go("the loop's Run", func() error {
		defer l.Close()
		return l.Run()
	})
	return srv
}

// A user is a chat client of the test.
type user struct {
	conn net.Conn
	in   *bufio.Reader
}

// join connects and answers the prompt with name. (As in the talk, a user
// is not told of their own arrival.)
func join(t *testing.T, addr, name string) *user {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, steptest.Scale(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(steptest.Scale(10 * time.Second)))
	u := &user{conn: conn, in: bufio.NewReader(conn)}
	prompt := make([]byte, len(chatroom.Prompt))
	if _, err := u.in.Read(prompt); err != nil || string(prompt) != chatroom.Prompt {
		t.Fatalf("%s: read %q, %v; want the prompt %q", name, prompt, err, chatroom.Prompt)
	}
	u.send(t, name)
	return u
}

func (u *user) send(t *testing.T, line string) {
	t.Helper()
	if _, err := u.conn.Write([]byte(line + "\n")); err != nil {
		t.Fatal(err)
	}
}

// expect reads lines until want, failing if the connection ends first.
func (u *user) expect(t *testing.T, want string) {
	t.Helper()
	if err := u.readUntil(want); err != nil {
		t.Fatal(err)
	}
}

// readUntil reads lines until want; an error says what came before.
func (u *user) readUntil(want string) error {
	var got []string
	for {
		line, err := u.in.ReadString('\n')
		if err != nil {
			return fmt.Errorf("waiting for %q: got %d lines, the last %q, then %v", want, len(got), got[max(len(got)-3, 0):], err)
		}
		if line == want {
			return nil
		}
		got = append(got, line)
	}
}

// TestServeRefusesALoopThatFailsTheSuite runs -serve on a loop that polls
// with timeout 0 while a timer waits, and so spins (the mutant timeout-zero-spin, put in
// place of the reference with go build's -overlay, which the suite's go
// test reads from GOFLAGS): the program must refuse with the suite's
// message and an error, and never serve.
func TestServeRefusesALoopThatFailsTheSuite(t *testing.T) {
	steptest.OverlayMutant(t, "timeout-zero-spin")
	for _, program := range []string{"echo", "chat"} {
		var out strings.Builder
		err := run([]string{"-ref", "-serve", program, "-addr", "127.0.0.1:0"}, &out)
		if err == nil {
			t.Fatalf("-serve %s on a loop that fails TestLoop: no error; it printed:\n%s", program, out.String())
		}
		for _, want := range []string{"does not pass TestLoop", "the first Wait's timeout = 0s", "make check S=04"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("-serve %s = %v\nwant the error to say %q", program, err, want)
			}
		}
		if strings.Contains(out.String(), "listening on") {
			t.Errorf("-serve %s refused, but served all the same:\n%s", program, out.String())
		}
	}
}
