package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/tutorials/internal/step"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
)

// TestSmoke runs the program's demo as a student would, on the reference
// poller and a free port, with fewer clients so that it is quick.
func TestSmoke(t *testing.T) {
	var out strings.Builder
	err := run([]string{"-ref", "-demo", "-addr", "127.0.0.1:0", "-clients", "10", "-size", "4096"}, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "Wait calls") {
		t.Errorf("the demo printed no table:\n%s", out.String())
	}
}

// The tests of -serve and -pollcost: the kit's real programs on the
// reference poller, and the refusal of a poller that fails the suite. Like
// TestSmoke they run the reference, and so the student edition, which has
// none, leaves them out with this file.

// TestServeRunsTheKitsPrograms serves the kit's echo and chat on the
// reference poller, once it passed looptest.TestPoller, and talks to each
// as a client would.
func TestServeRunsTheKitsPrograms(t *testing.T) {
	tests := []struct {
		program, style string
		send, want     string
	}{
		{"echo", "callbacks", "hello, select\n", "hello, select\n"},
		{"chat", "coroutines", "", chatroom.Prompt},
	}
	for _, tt := range tests {
		t.Run(tt.program+"/"+tt.style, func(t *testing.T) {
			addr, _, stop := startServe(t, tt.program, tt.style, false)
			conn, err := net.DialTimeout("tcp", addr, steptest.Scale(5*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(steptest.Scale(5 * time.Second)))
			io.WriteString(conn, tt.send)
			got := make([]byte, len(tt.want))
			if _, err := io.ReadFull(conn, got); err != nil || string(got) != tt.want {
				t.Errorf("-serve %s -style %s: read %q, %v; want %q", tt.program, tt.style, got, err, tt.want)
			}
			conn.Close()
			if err := stop(); err != nil {
				t.Errorf("-serve %s: stopping: %v", tt.program, err)
			}
		})
	}
}

// TestServeWatchShowsThePage serves the chat with -watch: the live page of
// package watch answers while the chat runs on the reference poller.
func TestServeWatchShowsThePage(t *testing.T) {
	_, page, stop := startServe(t, "chat", "callbacks", true)
	client := http.Client{Timeout: steptest.Scale(5 * time.Second)}
	resp, err := client.Get(page)
	if err != nil {
		stop()
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "<html") {
		t.Errorf("GET %s: %s, %d bytes; want 200 and the page", page, resp.Status, len(body))
	}
	if err := stop(); err != nil {
		t.Errorf("-serve chat -watch: stopping: %v", err)
	}
}

// startServe runs the program with -ref -serve on a free port (and, with
// watched, -watch on another), and returns where it listens, the page's
// URL, and the function that stops it (as Ctrl-C does) and returns what
// the program returned.
func startServe(t *testing.T, program, style string, watched bool) (addr, page string, stop func() error) {
	t.Helper()
	stopped := make(chan struct{})
	ended := make(chan error, 1)
	pr, pw := io.Pipe()
	args := []string{"-ref", "-serve", program, "-addr", "127.0.0.1:0"}
	if watched {
		args = append(args, "-watch", "127.0.0.1:0")
	}
	go func() {
		p := step.New("03-select", "127.0.0.1:0")
		p.AddServe("serve", "echo", "chat")
		p.AddWatch()
		err := p.Run(args, pw, func(r step.Run) error { return serveExample(r, r.Serve, style, stopped) })
		pw.Close()
		ended <- err
	}()
	listening, pages := make(chan string, 1), make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := regexp.MustCompile(`listening on (\S+),`).FindStringSubmatch(sc.Text()); m != nil {
				listening <- m[1]
			}
			if m := regexp.MustCompile(`watch the loop live: (\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				pages <- m[1]
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case addr = <-listening:
	case err := <-ended:
		t.Fatalf("-serve %s ended before it listened: %v", program, err)
	case <-time.After(steptest.Scale(3 * time.Minute)): // the suite's go test may build its binary first
		t.Fatalf("-serve %s did not listen", program)
	}
	if watched {
		page = <-pages // printed right after where it listens
	}
	return addr, page, func() error {
		close(stopped)
		return <-ended
	}
}

// TestServeRefusesAPollerThatFailsTheSuite runs -serve on a poller that
// reports every watched fd ready (the mutant always-ready, put in place of
// the reference with go build's -overlay, which the suite's go test reads
// from GOFLAGS): the program must refuse with the suite's message and an
// error, the status 1 of step.Main, and never serve.
func TestServeRefusesAPollerThatFailsTheSuite(t *testing.T) {
	steptest.OverlayMutant(t, "always-ready")
	for _, args := range [][]string{
		{"-ref", "-serve", "echo", "-addr", "127.0.0.1:0"},
		{"-ref", "-pollcost", "1"},
	} {
		var out strings.Builder
		err := run(args, &out)
		if err == nil {
			t.Fatalf("run(%q) on a poller that fails TestPoller: no error; it printed:\n%s", args, out.String())
		}
		for _, want := range []string{"does not pass TestPoller", "want no events: nothing was written to the pipe", "make check S=03"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("run(%q) = %v\nwant the error to say %q", args, err, want)
			}
		}
		if strings.Contains(out.String(), "listening on") || strings.Contains(out.String(), "poll cost:") {
			t.Errorf("run(%q) refused, but ran all the same:\n%s", args, out.String())
		}
	}
}

// TestPollCostPrintsALinePerCount measures the reference poller as loopkit
// compare --yours does, and reads its lines back as compare does.
func TestPollCostPrintsALinePerCount(t *testing.T) {
	var out strings.Builder
	if err := run([]string{"-ref", "-pollcost", "1,10"}, &out); err != nil {
		t.Fatalf("run -pollcost: %v\n%s", err, out.String())
	}
	line := regexp.MustCompile(`(?m)^poll cost: (\d+) idle fds: [1-9]\d* ns per iteration$`)
	var counts []string
	for _, m := range line.FindAllStringSubmatch(out.String(), -1) {
		counts = append(counts, m[1])
	}
	if strings.Join(counts, ",") != "1,10" {
		t.Errorf("-pollcost 1,10 printed lines for %q, want 1,10:\n%s", counts, out.String())
	}
}

// TestServeRefusesStylesWithoutALoop: the goroutines style runs on Go's
// net package, which has no poller to be yours.
func TestServeRefusesStylesWithoutALoop(t *testing.T) {
	err := run([]string{"-ref", "-serve", "chat", "-style", "goroutines", "-addr", "127.0.0.1:0"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `-style: "goroutines" has no loop`) {
		t.Errorf("-serve chat -style goroutines = %v, want a refusal naming the style", err)
	}
}
