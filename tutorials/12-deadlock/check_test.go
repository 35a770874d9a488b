package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// The checks of step 12. go test ./tutorials/12-deadlock checks your
// chat.go; LOOPKIT_IMPL=solution checks the reference. The chat runs on
// the kit's loop, with the backend LOOPKIT_BACKEND names (the best of this
// OS by default); its coroutines run on a hub, whose deadlock check is the
// detector of this step. Fds and goroutines are counted before and after:
// a coroutine's goroutine left behind is a failure.

// TestLeaveIsAnnouncedAndNothingParks is the pitfall's check: alice and bob
// join, alice says a last line and leaves (she closes her sending half,
// and still reads). Bob must hear "## alice left the chat.", and alice's
// connection must be closed by the server, once it has sent her what was
// queued for her. Then the server stops gracefully: it takes no new users
// and ends once everyone has left; bob leaves. With nothing left to wait
// for, the loop's Run must return nil. A coroutine still parked then can
// never be woken, and the hub makes Run say so: an error wrapping
// coroutines.ErrDeadlock, naming each one and where it parked. No step of
// it is timed: the bound only limits how long a wrong chat takes to fail.
func TestLeaveIsAnnouncedAndNothingParks(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	srv := start(t, steptest.Impl(t, impls))
	bound := steptest.Scale(2 * time.Second)

	alice := join(t, srv, "alice", bound)
	bob := join(t, srv, "bob", bound)
	expect(t, srv, alice.Expect("## bob joined from 127.0.0.1.\n", bound))
	expect(t, srv, alice.Send("bye\n", bound))
	expect(t, srv, alice.Expect("alice> bye\n", bound))
	expect(t, srv, bob.Expect("alice> bye\n", bound))

	expect(t, srv, alice.CloseWrite()) // alice leaves
	heard := bob.Expect(chatroom.Left("alice"), bound)
	var aliceClosed error
	if heard == nil {
		aliceClosed = alice.ExpectEOF(bound)
	}

	if err := srv.chat.stop(); err != nil {
		t.Fatalf("stopping the server: %v", err)
	}
	bob.Close()
	var runErr error
	returned := false
	select {
	case runErr = <-srv.ran:
		returned = true
	case <-time.After(bound):
	}

	switch {
	case heard != nil:
		t.Fatalf("bob did not hear %q within %v of alice leaving (she closed her end of the connection): %v.%s%s\n"+
			"  hint: tutorials/12-deadlock/hints.md#leave-h1", chatroom.Left("alice"), bound, heard, afterwards(runErr, returned), srv.Explain())
	case aliceClosed != nil:
		t.Fatalf("bob heard that alice left, but the server did not close alice's connection: %v.%s%s\n"+
			"  hint: tutorials/12-deadlock/hints.md#leave-h2", aliceClosed, afterwards(runErr, returned), srv.Explain())
	case !returned:
		t.Fatalf("everyone left and the server stopped, but the loop's Run did not return within %v: "+
			"something still waits for an fd or a timer.%s\n  hint: tutorials/12-deadlock/hints.md#leave-h2", bound, srv.Explain())
	case runErr != nil:
		t.Fatalf("bob heard that alice left, but once everyone had left and the server had stopped, the loop's Run "+
			"returned %v, want nil.%s\n  hint: tutorials/12-deadlock/hints.md#leave-h2", runErr, deadlockNote(runErr))
	}
}

// afterwards says what Run did once the server stopped, for a check that
// already failed: the deadlock report is the detector's word on why.
func afterwards(runErr error, returned bool) string {
	switch {
	case !returned:
		return "\n  Then the server stopped and bob left too; the loop's Run did not return."
	case runErr == nil:
		return "\n  Then the server stopped and bob left too; the loop's Run returned nil."
	}
	return fmt.Sprintf("\n  Then the server stopped and bob left too, and the loop's Run returned, instead of nil:\n    %v%s",
		runErr, deadlockNote(runErr))
}

// deadlockNote explains a deadlock report in a sentence.
func deadlockNote(err error) string {
	if !errors.Is(err, coroutines.ErrDeadlock) {
		return ""
	}
	return "\n  The loop had no fd and no timer left to wait for, so nothing can ever wake these coroutines: " +
		"read the report from the writers up."
}

// chatUnderCheck is the step's program under check: the chat server, and
// the result of its run.
type chatUnderCheck struct {
	*steptest.Server
	chat *chatServer
	ran  chan error // receives the loop's Run's result, once
}

// start runs the chat newHandler makes on a loop of its own and a free
// port; the test's end kills what is left of it.
func start(t *testing.T, newHandler newHandlerFunc) *chatUnderCheck {
	t.Helper()
	srv := steptest.NewServer(t, "")
	var handle func(ctx context.Context, conn *coroutines.Conn) error
	if problem := todo.Catch(func() { handle = newHandler(chatroom.DefaultLimits) }); problem != "" {
		t.Fatalf("making the chat: %s", problem)
	}
	s, err := newChatServer("127.0.0.1:0", handle, func(err error) { srv.Report(todo.Reported(err)) })
	if err != nil {
		t.Fatal(err)
	}
	c := &chatUnderCheck{Server: srv, chat: s, ran: make(chan error, 1)}
	srv.Addr = s.server.Addr().String()
	srv.OnState(func() string { return coroutinesState(s) })
	srv.OnStop(func() { s.kill() }) // whatever the check left running; fails harmlessly once Run has returned
	srv.Go("the hub's Run", func() error {
		c.ran <- s.run()
		return nil
	})
	return c
}

// coroutinesState lists the chat's coroutines and what each waits on, for
// a check that gives up waiting.
func coroutinesState(s *chatServer) string {
	answer := make(chan string, 1)
	err := s.loop.CallSoonThreadSafe(func() {
		var parts []string
		for _, co := range s.hub.Coroutines() {
			what := co.ParkedOn()
			if what == "" {
				what = "not parked"
			}
			parts = append(parts, co.Name()+" on "+what)
		}
		answer <- fmt.Sprintf("%d coroutines: %s", len(parts), strings.Join(parts, "; "))
	})
	if err != nil {
		return "the loop has ended"
	}
	select {
	case s := <-answer:
		return s
	case <-time.After(steptest.Scale(500 * time.Millisecond)):
		return "the loop did not answer within 500ms"
	}
}

// join connects a user, reads the prompt and gives the name.
func join(t *testing.T, srv *chatUnderCheck, name string, bound time.Duration) *steptest.Client {
	t.Helper()
	c := steptest.Dial(t, srv.Server, name)
	expect(t, srv, c.Expect(chatroom.Prompt, bound))
	expect(t, srv, c.Send(name+"\n", bound))
	return c
}

// expect fails the test with err, if any, and the server's state.
func expect(t *testing.T, srv *chatUnderCheck, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%v%s", err, srv.Explain())
	}
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/12-deadlock/hints.md quotes each check's message, with three hints")
	}
}
