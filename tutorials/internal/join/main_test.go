package main

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestJoinSendsInputAndPrintsReplies runs join against an echo server
// that closes once it has read end of file: what was typed comes back,
// and join returns when the server closes.
func TestJoinSendsInputAndPrintsReplies(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.Copy(c, c)
		c.Close()
	}()
	var out strings.Builder
	if err := join(ln.Addr().String(), strings.NewReader("hello\nbye\n"), &out); err != nil {
		t.Fatalf("join: %v", err)
	}
	if diff := cmp.Diff("hello\nbye\n", out.String()); diff != "" {
		t.Errorf("join printed (-want +got):\n%s", diff)
	}
}

// TestJoinNamesTheCauseWhenNothingListens dials a port nobody listens on.
func TestJoinNamesTheCauseWhenNothingListens(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	err = join(addr, strings.NewReader(""), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "is the step running?") {
		t.Errorf("join(%s) with nothing listening = %v, want an error that asks whether the step runs", addr, err)
	}
}
