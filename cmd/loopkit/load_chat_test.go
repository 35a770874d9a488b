package main

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/examples/chat"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/loop"
)

// TestChatLoadCountsEveryLine plays small scenarios against each style's
// chat server on each backend, in this process: queues that never come near a limit, so
// every user hears every line and the counts are exact.
func TestChatLoadCountsEveryLine(t *testing.T) {
	const users = 5
	scenarios := []struct {
		scenario chatScenario
		sent     int
	}{
		{chatScenario{name: "steady", lines: 10, oneAtATime: true}, users * 10},
		{chatScenario{name: "paste", senders: 1, lines: 50}, 50},
		{chatScenario{name: "burst", lines: 10}, users * 10},
	}
	for _, s := range (compareOptions{styles: chat.Styles.Names(), backends: loop.Backends()}).servers(chat.Styles.Names()) {
		start, _ := chat.Styles.Lookup(s.Style)
		for _, sc := range scenarios {
			t.Run(s.String()+"/"+sc.scenario.name, func(t *testing.T) {
				srv, err := start(examples.Config{Addr: "127.0.0.1:0", Backend: s.Backend}, chatroom.DefaultLimits)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { srv.Close() })
				got, err := chatLoad{users: users, scenario: sc.scenario, bound: 10 * time.Second}.run(srv.Addr())
				if err != nil {
					t.Fatal(err)
				}
				got.PerSecond = 0 // measured, not counted
				want := chatFigures{Deliveries: sc.sent * users, Sent: sc.sent}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("figures (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestChatLoadEndsWhateverTheServerDoes plays a burst against a fake chat
// server that lets one user join and then swallows their lines, hangs up,
// or says they were too slow: the load ends, and counts lost lines or a
// dropped reader.
func TestChatLoadEndsWhateverTheServerDoes(t *testing.T) {
	tests := []struct {
		name  string
		after func(net.Conn, *bufio.Reader)
		want  chatFigures
	}{
		{"swallows the lines", func(_ net.Conn, r *bufio.Reader) { io.Copy(io.Discard, r) },
			chatFigures{Sent: 10, Lost: 10}},
		{"hangs up", func(_ net.Conn, r *bufio.Reader) { r.ReadString('\n') },
			chatFigures{Sent: 10, Dropped: 1}},
		{"says too slow", func(c net.Conn, r *bufio.Reader) { r.ReadString('\n'); io.WriteString(c, chatroom.TooSlow) },
			chatFigures{Sent: 10, Dropped: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := fakeChat(t, tt.after)
			got, err := chatLoad{users: 1, scenario: chatScenario{name: "burst", lines: 10}, bound: 10 * time.Second}.run(addr)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("figures (-want +got):\n%s", diff)
			}
		})
	}
}

// fakeChat serves one user as the chat does up to the first line they say
// (the line a lone user says to know they are in), then hands the
// connection to after, and closes it when after returns.
func fakeChat(t *testing.T, after func(net.Conn, *bufio.Reader)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(loadBound))
		r := bufio.NewReader(conn)
		io.WriteString(conn, chatroom.Prompt)
		name, _ := r.ReadString('\n')
		line, _ := r.ReadString('\n')
		io.WriteString(conn, chatroom.Message(strings.TrimSpace(name), strings.TrimSpace(line)))
		after(conn, r)
	}()
	return ln.Addr().String()
}

// TestTallyCountsLossesOnlyForUsersStillThere checks the counting rules: a
// dropped user's missing lines are not lost lines, a user still there is
// owed every line sent, and the rate runs to the last line heard.
func TestTallyCountsLossesOnlyForUsersStillThere(t *testing.T) {
	began := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return began.Add(time.Duration(ms) * time.Millisecond) }
	tests := []struct {
		name  string
		sent  []int
		heard []hearing
		want  chatFigures
	}{
		{"everyone heard everything", []int{3, 2}, []hearing{{lines: 5, last: at(500)}, {lines: 5, last: at(250)}},
			chatFigures{Deliveries: 10, PerSecond: 20, Sent: 5}},
		{"one still there missed two lines", []int{3, 2}, []hearing{{lines: 5, last: at(500)}, {lines: 3, last: at(100)}},
			chatFigures{Deliveries: 8, PerSecond: 16, Sent: 5, Lost: 2}},
		{"one dropped", []int{3, 2}, []hearing{{lines: 5, last: at(1000)}, {lines: 1, last: at(100), dropped: true}},
			chatFigures{Deliveries: 6, PerSecond: 6, Sent: 5, Dropped: 1}},
		{"nothing heard", []int{4, 0}, []hearing{{}, {dropped: true}},
			chatFigures{Sent: 4, Lost: 4, Dropped: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tally(began, tt.sent, tt.heard)); diff != "" {
				t.Errorf("tally (-want +got):\n%s", diff)
			}
		})
	}
}
