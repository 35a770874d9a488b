//go:build linux

package main

import (
	"io"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/bench"
)

// TestEpollLoadFailsWrongServers runs the homelands' echo client against
// stand-in servers in this process: a correct one gets figures, and one
// that corrupts every 1000th echo, or stalls a connection, fails the load
// with an error that says so.
func TestEpollLoadFailsWrongServers(t *testing.T) {
	tests := []struct {
		name    string
		standIn standIn
		wantErr string // "" for none
	}{
		{"correct", standIn{}, ""},
		{"corrupts every 1000th echo", standIn{corruptEvery: 1000}, "of the echo is"},
		{"stalls one connection after 10 echoes", standIn{stallAfter: 10}, "(stalled)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := tt.standIn.start(t)
			load := epollLoad{conns: 8, size: 64, warmup: 200 * time.Millisecond, window: time.Second}
			edges := 0
			fig, err := load.run(addr, func(bool) { edges++ })
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("a correct server: %v", err)
				}
				if fig.RoundTrips == 0 || edges != 2 {
					t.Errorf("a correct server: %d round trips, window edges seen %d; want some, and 2", fig.RoundTrips, edges)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %v (%d round trips), want an error containing %q", err, fig.RoundTrips, tt.wantErr)
			}
		})
	}
}

// A standIn is an echo server on Go's net, correct unless told to corrupt
// every corruptEvery-th echo (counted over all connections) or to stop
// echoing on its first connection after stallAfter echoes.
type standIn struct {
	corruptEvery int64
	stallAfter   int
}

// start serves on a loopback port until the test ends, and returns the
// address.
func (s standIn) start(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var echoes atomic.Int64
	var handlers sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	handlers.Go(func() {
		for first := true; ; first = false {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			stall := first && s.stallAfter > 0
			handlers.Go(func() { s.serve(c, stall, &echoes) })
		}
	})
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		handlers.Wait()
	})
	return l.Addr().String()
}

func (s standIn) serve(c net.Conn, stall bool, echoes *atomic.Int64) {
	buf := make([]byte, 4096)
	for n := 0; ; n++ {
		got, err := c.Read(buf)
		if err != nil {
			return
		}
		if stall && n >= s.stallAfter {
			continue // read on, never answer
		}
		if s.corruptEvery > 0 && echoes.Add(1)%s.corruptEvery == 0 {
			buf[got/2] ^= 0xff
		}
		if _, err := c.Write(buf[:got]); err != nil {
			return
		}
	}
}

// TestEchoRowPairsRatiosByRound checks the sums of the rounds: the ratio
// to go-net is taken within each round, then its median over rounds; a
// failed run counts as failed, not as a zero.
func TestEchoRowPairsRatiosByRound(t *testing.T) {
	run := func(server string, round int, perSecond float64, errText string) homelandEchoRun {
		r := homelandEchoRun{Server: server, Conns: 100, Round: round, Error: errText}
		r.PerSecond = perSecond
		return r
	}
	runs := []homelandEchoRun{
		run(goNet, 0, 100, ""), run("node", 0, 50, ""),
		run(goNet, 1, 200, ""), run("node", 1, 140, ""),
		run(goNet, 2, 50, ""), run("node", 2, 40, ""),
		run(goNet, 3, 80, ""), run("node", 3, 0, "connection 3: the server closed the connection"),
	}
	tests := []struct {
		server string
		want   homelandEchoRow
	}{
		{goNet, homelandEchoRow{Server: goNet, Conns: 100, Runs: 4,
			PerSecond: spread{Median: 90, Min: 50, Max: 200}, VsGoNet: spread{Median: 1, Min: 1, Max: 1}}},
		{"node", homelandEchoRow{Server: "node", Conns: 100, Runs: 3, Failed: 1,
			PerSecond: spread{Median: 50, Min: 40, Max: 140}, VsGoNet: spread{Median: 0.7, Min: 0.5, Max: 0.8}}},
	}
	for _, tt := range tests {
		got := echoRowOf(runs, tt.server, 100)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.server, diff)
		}
	}
}

// TestMissingRuntimeIsLeftOutWithWhatToInstall checks that a homeland
// whose runtime is missing is left out with a line naming the package, and
// that --only keeps go-net, which the ratios divide by.
func TestMissingRuntimeIsLeftOutWithWhatToInstall(t *testing.T) {
	absent := need{"node", "apt-get install nodejs", func() bool { return false }}
	all := []contender{
		{name: goNet, program: "echo"},
		{name: "node", program: "echo", needs: []need{absent}},
		{name: "callbacks", program: "echo"},
		{name: "protocol", program: "echo"},
	}
	tests := []struct {
		only        []string
		wantKept    []string
		wantMissing []string
	}{
		{nil, []string{goNet, "callbacks", "protocol"}, []string{"echo node: needs node (apt-get install nodejs)"}},
		{[]string{"callbacks"}, []string{goNet, "callbacks"}, nil},
	}
	for _, tt := range tests {
		kept, missing := present(all, tt.only)
		var names []string
		for _, c := range kept {
			names = append(names, c.name)
		}
		if diff := cmp.Diff(tt.wantKept, names); diff != "" {
			t.Errorf("--only %v: kept (-want +got):\n%s", tt.only, diff)
		}
		if diff := cmp.Diff(tt.wantMissing, missing); diff != "" {
			t.Errorf("--only %v: left out (-want +got):\n%s", tt.only, diff)
		}
	}
}

// TestRoundsRotateTheOrder checks that each server goes first in turn.
func TestRoundsRotateTheOrder(t *testing.T) {
	servers := []string{"a", "b", "c"}
	want := [][]string{{"a", "b", "c"}, {"b", "c", "a"}, {"c", "a", "b"}, {"a", "b", "c"}}
	for round, w := range want {
		if diff := cmp.Diff(w, rotate(servers, round)); diff != "" {
			t.Errorf("round %d (-want +got):\n%s", round, diff)
		}
	}
}

// TestHomelandsFlagsNameTheChoices checks the errors of bad flags.
func TestHomelandsFlagsNameTheChoices(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--only", "deno"}, `unknown server "deno" (choose among: go-net, c-epoll, node, callbacks, callbacks-uring, completion, asyncio, asyncio-uvloop, protocol, gevent, coroutines, gevent-talk)`},
		{[]string{"--rounds", "0"}, "--rounds must be at least 1"},
		{[]string{"--serve", "nginx"}, `--serve: unknown server "nginx" (the run serves only completion itself)`},
		{[]string{"--conns", "0"}, `--conns: "0" is not a positive number`},
	}
	for _, tt := range tests {
		var stderr strings.Builder
		_, err := parseHomelands(tt.args, &stderr)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: got %v, want an error containing %q", tt.args, err, tt.want)
		}
	}
}

// TestHomelandRunMeasuresAServer runs one echo run and one chat run of the
// homelands, as the rounds do, on the kit's callbacks style started as a
// child process (this test binary, as loopkit run): every figure of the
// rows is there, the server's CPU from /proc among them.
func TestHomelandRunMeasuresAServer(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var cpus unix.CPUSet
	if err := unix.SchedGetaffinity(0, &cpus); err != nil {
		t.Fatal(err)
	}
	place, err := placeProcesses()
	t.Cleanup(func() { pinProcess(&cpus) }) // the other tests run where they did
	if err != nil {
		t.Fatal(err)
	}
	h := &homelandsRun{
		opts:     homelandsOptions{rounds: 1, size: 64, warmup: 100 * time.Millisecond, window: 300 * time.Millisecond, chatUsers: 5, maxOther: 100},
		place:    place,
		progress: io.Discard,
		results:  &homelandsResults{},
	}
	var echo, chat contender
	for _, c := range contenders(exe, t.TempDir()) {
		if c.name == "callbacks" && c.program == "echo" {
			echo = c
		}
		if c.name == "callbacks" && c.program == "chat" {
			chat = c
		}
	}
	if place.pinned {
		checkServerPinned(t, place, echo)
	}
	e := h.echo(echo, 10, 0)
	if e.Error != "" || e.RoundTrips == 0 || e.ServerCPUPerRTus <= 0 || e.ClientCPU <= 0 || e.PeakRSSMB <= 0 {
		t.Errorf("echo: got %+v, want no error, and round trips, server CPU, client CPU and peak RSS", e)
	}
	c := h.chat(chat, chatScenario{name: "burst", lines: 10}, 0)
	if c.Error != "" || c.Deliveries != 5*5*10 || c.Lost != 0 || c.ServerCPUPerDeliveryUs <= 0 || c.PeakRSSMB <= 0 {
		t.Errorf("chat: got %+v, want no error, %d deliveries, none lost, server CPU and peak RSS", c, 5*5*10)
	}
	if len(h.results.Failures) > 0 {
		t.Errorf("failures: %q", h.results.Failures)
	}
}

// checkServerPinned starts c as the rounds do and checks that it runs on
// the server's CPU, and this process on the client's.
func checkServerPinned(t *testing.T, place placement, c contender) {
	t.Helper()
	srv, err := startPinned(place, c.command())
	if err != nil {
		t.Fatal(err)
	}
	defer stopHomeland(srv)
	for _, who := range []struct {
		name string
		pid  int
		want int
	}{{"server", srv.cmd.Process.Pid, place.server}, {"client", 0, place.client}} {
		var got unix.CPUSet
		if err := unix.SchedGetaffinity(who.pid, &got); err != nil {
			t.Fatal(err)
		}
		if got != *only(who.want) {
			t.Errorf("the %s may run on %d CPUs (CPU %d: %v), want CPU %d alone", who.name, got.Count(), who.want, got.IsSet(who.want), who.want)
		}
	}
}

// TestEveryHomelandsFileIsInBench checks that each file a server's command
// line names is one of package bench's (the C server's binary by its
// source), so that renaming a file there cannot leave a server that never
// starts.
func TestEveryHomelandsFileIsInBench(t *testing.T) {
	dir := "/unpacked"
	for _, c := range contenders("loopkit", dir) {
		for _, arg := range c.argv {
			name, ok := strings.CutPrefix(arg, dir+"/")
			if !ok {
				continue
			}
			if !strings.Contains(name, ".") {
				name += ".c" // the binary gcc makes of it
			}
			if _, err := fs.Stat(bench.Files, name); err != nil {
				t.Errorf("%s %s runs %s: not in package bench (%v)", c.program, c.name, name, err)
			}
		}
	}
}

// TestHomelandRunMeasuresTheUringServers runs one echo run of each server
// on io_uring, the completion echo served by this command itself
// (--serve), with the system calls counted where perf can count them.
func TestHomelandRunMeasuresTheUringServers(t *testing.T) {
	if !ioUring.present() {
		t.Skip("io_uring is refused here")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	_, perfErr := exec.LookPath("perf")
	h := &homelandsRun{
		opts: homelandsOptions{rounds: 1, size: 64, warmup: 100 * time.Millisecond, window: 300 * time.Millisecond,
			maxOther: 100, syscalls: perfErr == nil},
		place:    placement{},
		progress: io.Discard,
		results:  &homelandsResults{},
	}
	for _, c := range contenders(exe, t.TempDir()) {
		if c.name != "callbacks-uring" && c.name != "completion" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			e := h.echo(c, 10, 0)
			if e.Error != "" || e.RoundTrips == 0 || e.ServerCPUPerRTus <= 0 {
				t.Errorf("echo: got %+v, want no error, round trips and server CPU", e)
			}
			if h.opts.syscalls && e.SyscallsPerRT <= 0 {
				t.Errorf("echo with --syscalls: %v system calls per round trip, want some", e.SyscallsPerRT)
			}
		})
	}
}

// TestPerfStatOutputIsRead checks the reading of perf stat's CSV, and that
// output without the two counts is an error that shows it.
func TestPerfStatOutputIsRead(t *testing.T) {
	tests := []struct {
		name    string
		out     string
		want    syscallCount
		wantErr bool
	}{
		{"counted", "srv-1,100000,,raw_syscalls:sys_enter,990000000,100.00,,\nsrv-2,23456,,raw_syscalls:sys_enter,1,100.00,,\n" +
			"srv-1,1000000000,ns,duration_time,1000000000,100.00,,\nsrv-2,1000000000,ns,duration_time,1000000000,100.00,,\n",
			syscallCount{calls: 123456, span: time.Second}, false},
		{"a silent thread", "srv-1,<not counted>,,raw_syscalls:sys_enter,0,100.00,,\nsrv-1,500000000,ns,duration_time,500000000,100.00,,\n",
			syscallCount{span: 500 * time.Millisecond}, false},
		{"refused", "Error:\nAccess to performance monitoring and observability operations is limited.\n", syscallCount{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePerfStat(tt.out)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parsePerfStat(%q) error = %v, want error: %v", tt.out, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(syscallCount{})); !tt.wantErr && diff != "" {
				t.Errorf("parsePerfStat (-want +got):\n%s", diff)
			}
		})
	}
}
