package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/examples/fetch/fetchtest"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/tutorials/internal/demo"
)

// runDemo runs two scenes at once on the hub's loop: three chat users,
// clients of Go's net package; and a coroutine that fetches through pools
// of several sizes from a local HTTP server that counts the requests in
// flight, then one URL that never answers, within a timeout. When both
// are done it closes the chat server, and prints what each saw.
func runDemo(out io.Writer, hub *coroutines.Hub, srv *coroutines.StreamServer, p program) error {
	var transcript []string
	var chatErr error
	chatDone, fetchDone := false, false
	closeWhenDone := func() {
		if chatDone && fetchDone {
			srv.Close()
		}
	}
	go func() {
		transcript, chatErr = chatScene(srv.Addr().String())
		hub.Loop().CallSoonThreadSafe(func() { chatDone = true; closeWhenDone() })
	}()
	var rows []poolRow
	var timedOut []string
	hub.Spawn(func(ctx context.Context) error {
		defer func() { fetchDone = true; closeWhenDone() }()
		rows = poolScene(ctx, p)
		timedOut = timeoutScene(ctx, p)
		return nil
	}).SetName("fetcher")
	if err := hub.Run(); err != nil {
		return err
	}

	fmt.Fprintln(out, "alice, bob and carol join; alice and bob say something; carol leaves. What alice received:")
	for _, line := range transcript {
		fmt.Fprintf(out, "  %q\n", line)
	}
	fmt.Fprintln(out, "\nURLs through a Pool, from a server that answers each after 10ms and counts the requests in flight:")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "URLs\tpool\ttook\tmost in flight\tfailed\t\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "%d\t%d\t%v\t%d\t%d\t\n", r.urls, r.pool, r.took.Round(time.Millisecond), r.maxInFlight, r.failed)
	}
	tw.Flush()
	fmt.Fprintln(out, "\nA URL that never answers, beside one that does, each within Timeout(100ms):")
	for _, line := range timedOut {
		fmt.Fprintf(out, "  %s\n", line)
	}
	return chatErr
}

// A poolRow is one fetch of the pool scene.
type poolRow struct {
	urls, pool, maxInFlight, failed int
	took                            time.Duration
}

// poolScene fetches through pools of 1, 20 and 100, each from a fresh
// server, in the coroutine of ctx.
func poolScene(ctx context.Context, p program) []poolRow {
	var rows []poolRow
	for _, r := range []poolRow{{urls: 10, pool: 1}, {urls: 100, pool: 20}, {urls: 100, pool: 100}} {
		s := fetchtest.NewServer(10 * time.Millisecond)
		urls := make([]string, r.urls)
		for i := range urls {
			urls[i] = s.URLOf(fmt.Sprintf("/ok/%d", i))
		}
		start := time.Now()
		results := p.FetchAll(ctx, urls, r.pool, 5*time.Second)
		r.took = time.Since(start)
		r.maxInFlight = s.MaxInFlight()
		for _, res := range results {
			if res.Err != nil {
				r.failed++
			}
		}
		r.failed += r.urls - len(results)
		s.Close()
		rows = append(rows, r)
	}
	return rows
}

// timeoutScene fetches a URL that never answers and one that does, with
// a timeout of 100ms each.
func timeoutScene(ctx context.Context, p program) []string {
	s := fetchtest.NewServer(0)
	defer s.Close()
	start := time.Now()
	var lines []string
	for _, r := range p.FetchAll(ctx, []string{s.URLOf("/hang"), s.URLOf("/ok/x")}, 2, 100*time.Millisecond) {
		path := strings.TrimPrefix(r.URL, s.URL)
		if r.Err != nil {
			lines = append(lines, fmt.Sprintf("%-6s error: %v", path, r.Err))
			continue
		}
		lines = append(lines, fmt.Sprintf("%-6s %q", path, r.Body))
	}
	return append(lines, fmt.Sprintf("both done after %v", time.Since(start).Round(time.Millisecond)))
}

// chatScene: alice, bob and carol join; alice says hello, bob answers,
// carol leaves; it returns every line alice received.
func chatScene(addr string) ([]string, error) {
	const bound = 5 * time.Second
	var users []*demo.ChatUser
	defer func() {
		for _, u := range users {
			u.Close()
		}
	}()
	for _, name := range []string{"alice", "bob", "carol"} {
		u, err := demo.JoinChat(addr, name, bound)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	alice, bob, carol := users[0], users[1], users[2]
	var got []string
	steps := []struct {
		who  *demo.ChatUser
		say  string
		upTo string // alice reads up to this line
	}{
		{upTo: chatroom.Joined("carol", "127.0.0.1")},
		{who: alice, say: "hello", upTo: chatroom.Message("alice", "hello")},
		{who: bob, say: "hi alice", upTo: chatroom.Message("bob", "hi alice")},
		{who: carol, upTo: chatroom.Left("carol")},
	}
	for _, s := range steps {
		switch {
		case s.who != nil && s.say != "":
			if err := s.who.Say(s.say); err != nil {
				return got, err
			}
		case s.who != nil:
			s.who.Close()
		}
		for {
			line, err := alice.ReadLine(bound)
			if err != nil {
				return got, fmt.Errorf("waiting for %q: %w", s.upTo, err)
			}
			got = append(got, line)
			if line == s.upTo {
				break
			}
		}
	}
	return got, nil
}
