package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/loop"
)

// TestMain lets compare's children run: compare starts servers by running
// its own executable, which under go test is this test binary.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func TestBadArgumentsListTheChoices(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "usage:"},
		{nil, "loopkit trace [SCENARIO] [flags]"},
		{[]string{"serve"}, `unknown command "serve" (choose one of: run, compare, trace, watch, join, room)`},
		{[]string{"run"}, "which program? (choose one of: echo, chat, fetch)"},
		{[]string{"run", "ftp"}, `unknown program "ftp" (choose one of: echo, chat, fetch)`},
		{[]string{"run", "echo", "--style", "threads"}, `unknown style "threads" (choose one of: goroutines, callbacks, protocol, coroutines)`},
		{[]string{"run", "chat", "--backend", "iouring"}, `unknown backend "iouring" (this OS has: ` + strings.Join(loop.Backends(), ", ") + ")"},
		{[]string{"run", "echo", "--loops", "0"}, "--loops must be at least 1"},
		{[]string{"run", "echo", "--colour"}, "flag provided but not defined: -colour"},
		{[]string{"run", "echo", "--style", "goroutines", "--loops", "2", "--backend", "select"}, "--backend: the goroutines style has no loop"},
		{[]string{"run", "echo", "--style", "goroutines", "--loops", "2"}, "--loops: the goroutines style has no loop"},
		{[]string{"run", "chat", "--style", "goroutines", "--backend", "poll"}, "--backend: the goroutines style has no loop"},
		{[]string{"run", "fetch", "--style", "goroutines", "--backend", "poll"}, "--backend: the goroutines style has no loop"},
		{[]string{"compare", "--styles", "threads"}, `unknown style "threads" (choose among: goroutines, callbacks, protocol, coroutines)`},
		{[]string{"compare", "--conns", "1,x"}, `--conns: "x" is not a positive number`},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		status := cli(tt.args, &stdout, &stderr)
		if status != 2 {
			t.Errorf("loopkit %s: status %d, want 2", strings.Join(tt.args, " "), status)
		}
		if !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("loopkit %s: stderr\n%s\nwant it to contain %q", strings.Join(tt.args, " "), stderr.String(), tt.want)
		}
	}
}

// TestRunEchoServes starts `loopkit run echo` as a child, as a user would,
// reads where it listens, checks that it echoes, and stops it with SIGTERM.
func TestRunEchoServes(t *testing.T) {
	for _, style := range []string{"goroutines", "callbacks", "protocol", "coroutines"} {
		t.Run(style, func(t *testing.T) {
			c, err := startChild("echo", style, "poll", 1)
			if err != nil {
				t.Fatal(err)
			}
			conn, err := net.DialTimeout("tcp", c.addr, 5*time.Second)
			if err != nil {
				c.stop()
				t.Fatal(err)
			}
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			io.WriteString(conn, "hello, loopkit\n")
			got, err := bufio.NewReader(conn).ReadString('\n')
			conn.Close()
			if got != "hello, loopkit\n" || err != nil {
				t.Errorf("echo: got %q, %v; want %q", got, err, "hello, loopkit\n")
			}
			if err := c.stop(); err != nil {
				t.Errorf("stopping: %v", err)
			}
		})
	}
}

// TestRunChatSaysHowToJoin checks the lines a user sees on starting chat.
func TestRunChatSaysHowToJoin(t *testing.T) {
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "run", "chat", "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Signal(syscall.SIGTERM)
	sc := bufio.NewScanner(out)
	var lines []string
	for len(lines) < 2 && sc.Scan() {
		lines = append(lines, sc.Text())
	}
	want := []*regexp.Regexp{
		regexp.MustCompile(`^loopkit: chat \(callbacks, \w+, 1 loop\(s\)\) listening on 127\.0\.0\.1:\d+$`),
		regexp.MustCompile(`^To join, loopkit join 127\.0\.0\.1:\d+\. Ctrl-C stops the server\.$`),
	}
	if len(lines) != 2 {
		t.Fatalf("got %q, want two lines", lines)
	}
	for i, re := range want {
		if !re.MatchString(lines[i]) {
			t.Errorf("line %d: %q does not match %s", i+1, lines[i], re)
		}
	}
}

func TestMeasureSource(t *testing.T) {
	src := `package p

// f has a comment.
func f(xs []int) int {
	n := 0 // trailing comment
	for _, x := range xs {
		if x > 0 {
			n++
		} else if x < 0 {
			n--
		}
	}
	/* a block
	   comment */
	g := func() {
		go func() {}()
	}
	g()
	return n
}
`
	lines, depth, err := measureSource("p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// Lines: package, func, n :=, for, if, n++, } else if, n--, }, }, g :=, go, }, g(), return, }.
	if diff := cmp.Diff([2]int{16, 2}, [2]int{lines, depth}); diff != "" {
		t.Errorf("lines and depth (-want +got):\n%s", diff)
	}
}

func TestPollCostRunsOnEveryBackend(t *testing.T) {
	for _, b := range []string{"select", "poll", "epoll"} {
		d, err := pollCost(b, 10, 100)
		if err != nil || d <= 0 {
			t.Errorf("pollCost(%s, 10 idle): %v, %v", b, d, err)
		}
	}
}

func TestWriteReport(t *testing.T) {
	dir := t.TempDir()
	r := &results{
		Settings: settings{ChatUsers: 50, URLs: 100, Pool: 20, Delay: "10ms"},
		Code:     []codeFigures{{Program: "echo", Style: "callbacks", Lines: 29, Depth: 2}},
		PollCost: []pollFigures{{Backend: "epoll", Idle: 10, NsPerIteration: 800}, {Backend: "epoll", Idle: 1000, NsPerIteration: 820}},
		Echo: []echoRun{{server: server{Style: "callbacks", Backend: "epoll"}, Conns: 100, echoFigures: echoFigures{PerSecond: 50000, P50us: 1000, P99us: 3000},
			Rounds: spread{Median: 50000, Min: 48000, Max: 52000}}},
		Chat: []chatRun{
			{server: server{Style: "goroutines"}, Scenario: "steady", Users: 50, chatFigures: chatFigures{PerSecond: 90000, Sent: 5000}},
			{server: server{Style: "goroutines"}, Scenario: "paste", Users: 50, chatFigures: chatFigures{PerSecond: 700, Sent: 2000, Dropped: 50}},
		},
		Fetch: []fetchRun{{server: server{Style: "goroutines"}, WallMs: 70, MaxInFlight: 20}},
	}
	if err := writeReport(dir, r); err != nil {
		t.Fatal(err)
	}
	var back results
	js, _ := os.ReadFile(filepath.Join(dir, "results.json"))
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatalf("results.json: %v", err)
	}
	if diff := cmp.Diff(r.Echo, back.Echo, cmp.AllowUnexported(echoRun{})); diff != "" {
		t.Errorf("results.json echo (-want +got):\n%s", diff)
	}
	readme, _ := os.ReadFile(filepath.Join(dir, "README.md"))
	for _, want := range []string{"| callbacks/epoll | 50.0k (48.0–52.0k) | 1000 / 3000 |", "| paste | goroutines | 700 | 2000 | 0 | 50 |", "![poll cost per iteration vs idle fds](poll-cost.svg)"} {
		if !strings.Contains(string(readme), want) {
			t.Errorf("README.md lacks %q:\n%s", want, readme)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "chat.svg")); !bytes.Contains(b, []byte(">paste, 50 of 50 readers dropped<")) {
		t.Errorf("chat.svg does not say that the paste dropped 50 of 50 readers")
	}
	for _, svg := range []string{"echo-throughput.svg", "poll-cost.svg", "chat.svg", "fetch.svg", "code-lines.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, svg))
		if err != nil || !bytes.Contains(b, []byte("<svg")) {
			t.Errorf("%s: %v, not an SVG", svg, err)
		}
	}
}

// TestCompareSmoke runs compare end to end with tiny windows on two
// styles and one backend: every measure runs, the report is written, and
// nothing fails.
func TestCompareSmoke(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	status := cli([]string{"compare", "--out", dir, "--styles", "goroutines,callbacks", "--backends", "epoll",
		"--conns", "1,20", "--idle", "1,10", "--warmup", "20ms", "--window", "50ms", "--chat-users", "5"}, &stdout, &stderr)
	if status != 0 {
		t.Fatalf("compare: status %d\nstdout:\n%s\nstderr:\n%s", status, stdout.String(), stderr.String())
	}
	for _, want := range []string{"echo: round trips/s", "chat: 5 users", "fetch: 100 URLs", "poll cost", "code: each style's file", "goroutines", "callbacks/epoll"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("compare's table lacks %q:\n%s", want, stdout.String())
		}
	}
	var r results
	js, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Echo) != 4 || len(r.Chat) != 6 || len(r.Fetch) != 2 || len(r.PollCost) != 2 || len(r.Code) != 6 {
		t.Errorf("results.json has %d echo, %d chat, %d fetch, %d poll cost, %d code entries; want 4, 6, 2, 2, 6",
			len(r.Echo), len(r.Chat), len(r.Fetch), len(r.PollCost), len(r.Code))
	}
	for _, e := range r.Echo {
		if e.Error != "" || e.RoundTrips == 0 {
			t.Errorf("echo %s at %d conns: %d round trips, error %q", e.server, e.Conns, e.RoundTrips, e.Error)
		}
	}
}
