package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/examples/chat/chattest"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// The checks of step 08. go test ./tutorials/08-toolkit checks your chat
// and fetch; LOOPKIT_IMPL=solution checks the reference. The chat runs
// under the behaviour suite every chat style of examples/chat passes
// (chattest), the fetch under the fetch suite (fetchtest) and two checks
// of its own: the pool's limit, and the timeout on a fake clock.

// TestChat runs the chat suite of examples/chat against your chat server:
// the talk's texts, who hears what, the order of messages, a leave
// announced once, names asked again, long lines cut, a full room, a slow
// user dropped while the others go on.
func TestChat(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	p := steptest.Impl(t, impls)
	chattest.Run(t, func(t *testing.T, limits chatroom.Limits) string { return startChat(t, p, limits) })
}

// TestLeaveFreesTheName has bob join and leave: alice must hear that he
// left, and his name must be free again, for a new bob.
func TestLeaveFreesTheName(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	p := steptest.Impl(t, impls)
	addr := startChat(t, p, chattest.Limits)
	alice := joinChat(t, addr, "alice")
	bob := joinChat(t, addr, "bob")
	alice.expect(t, chatroom.Joined("bob", "127.0.0.1"))
	bob.conn.Close()
	if got, err := alice.r.ReadString('\n'); err != nil || got != chatroom.Left("bob") {
		t.Fatalf("bob closed his connection; alice then received %q (%v), want %q: when the connection ends, "+
			"the reader must take its user out of the room (Leave), which tells the others", got, err, chatroom.Left("bob"))
	}
	again := dialChat(t, addr)
	again.expect(t, chatroom.Prompt)
	again.send(t, "bob")
	// The next line alice gets is the new bob's arrival; with the old bob
	// still in the room, the new one is told the name is taken instead.
	if got := alice.line(t); got != chatroom.Joined("bob", "127.0.0.1") {
		t.Fatalf("after bob left and a new user asked for the name bob, alice received %q, want %q: "+
			"the reader must take its user out of the room (Leave) when the connection ends", got, chatroom.Joined("bob", "127.0.0.1"))
	}
}

// startChat runs p's chat on a loop of its own, with the coroutines'
// StreamServer, on a free port; the test's end stops it. A problem the
// loop reports (a TODO panic in a coroutine) fails the test and closes the
// server at once, so that the clients waiting for it fail now, not at
// their bound.
func startChat(t *testing.T, p program, limits chatroom.Limits) string {
	t.Helper()
	var srv examples.Server
	var mu sync.Mutex
	var closeOnce sync.Once
	closeServer := func() {
		closeOnce.Do(func() {
			if err := srv.Close(); err != nil {
				t.Errorf("closing the chat server: %v", err)
			}
		})
	}
	cfg := examples.Config{Addr: "127.0.0.1:0", OnError: func(err error) {
		t.Errorf("the server reported: %v", todo.Reported(err))
		mu.Lock()
		s := srv
		mu.Unlock()
		if s != nil {
			go closeServer()
		}
	}}
	c := p.NewChat(limits)
	s, err := examples.Start(cfg, func(run *examples.Run) error {
		l, err := loop.New(run.LoopOptions...)
		if err != nil {
			return err
		}
		defer l.Close()
		hub := coroutines.NewHub(l)
		server, err := coroutines.NewStreamServer(hub, run.Addr, func(ctx context.Context, conn *coroutines.Conn) error {
			c.Handle(ctx, conn)
			return nil
		})
		if err != nil {
			return err
		}
		server.Start().SetName("acceptor")
		run.Serving(l, hub, server.Addr(), func() { server.Close() })
		return l.Run()
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	srv = s
	mu.Unlock()
	t.Cleanup(closeServer)
	return s.Addr()
}

// A chatClient is a user of the chat, for the checks of this file.
type chatClient struct {
	conn net.Conn
	r    *bufio.Reader
}

func dialChat(t *testing.T, addr string) *chatClient {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, steptest.Scale(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(steptest.Scale(5 * time.Second)))
	t.Cleanup(func() { conn.Close() })
	return &chatClient{conn: conn, r: bufio.NewReader(conn)}
}

// joinChat connects and joins as name.
func joinChat(t *testing.T, addr, name string) *chatClient {
	t.Helper()
	c := dialChat(t, addr)
	c.expect(t, chatroom.Prompt)
	c.send(t, name)
	return c
}

func (c *chatClient) send(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(c.conn, line+"\n"); err != nil {
		t.Fatal(err)
	}
}

// line reads the next line.
func (c *chatClient) line(t *testing.T) string {
	t.Helper()
	line, err := c.r.ReadString('\n')
	if err != nil {
		t.Fatalf("reading the next line: got %q, then %v", line, err)
	}
	return line
}

// expect reads len(want) bytes and compares.
func (c *chatClient) expect(t *testing.T, want string) {
	t.Helper()
	got := make([]byte, len(want))
	n, err := io.ReadFull(c.r, got)
	if err != nil {
		t.Fatalf("waiting for %q: got %q, then %v", want, got[:n], err)
	}
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Fatalf("the chat sent (-want +got):\n%s", diff)
	}
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/08-toolkit/hints.md quotes each check's message, with three hints per function")
	}
}
