//go:build linux

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

// homelandsOptions are the flags of loopkit compare --homelands.
type homelandsOptions struct {
	out       string
	only      []string
	conns     []int
	rounds    int
	warmup    time.Duration
	window    time.Duration
	size      int
	chatUsers int
	maxOther  float64
	syscalls  bool   // count the server's system calls over each echo window
	serve     string // instead of a run: serve this server (see serveOwn)
	addr      string // where --serve listens
}

// homelandsCommand is loopkit compare --homelands: every kit style beside
// the servers of its home framework (package bench), in rounds, on pinned
// CPUs, with a client on epoll.
func homelandsCommand(args []string, stdout, stderr io.Writer) int {
	opts, err := parseHomelands(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "loopkit compare --homelands: %v\n", err)
		return 2
	}
	if opts.serve != "" {
		return serveOwn(opts.addr, stdout, stderr)
	}
	began := time.Now()
	r, err := runHomelands(opts, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "loopkit compare --homelands: %v\n", err)
		return 1
	}
	r.Settings.Seconds = time.Since(began).Seconds()
	printHomelands(stdout, r)
	if err := writeHomelandsReport(opts.out, r); err != nil {
		fmt.Fprintf(stderr, "loopkit compare --homelands: writing the report: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "\nreport: %s/README.md, %s/results.json and charts (%s)\n", opts.out, opts.out, time.Since(began).Round(time.Second))
	if len(r.Failures) > 0 {
		return 1
	}
	return 0
}

func parseHomelands(args []string, stderr io.Writer) (homelandsOptions, error) {
	opts := homelandsOptions{size: 64}
	fs := flag.NewFlagSet("loopkit compare --homelands", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.out, "out", "report/homelands", "the report folder")
	only := fs.String("only", "", "servers to run, comma-separated (default: all present; go-net always runs: the ratios divide by it)")
	conns := fs.String("conns", "1,100,1000", "echo connection counts")
	fs.IntVar(&opts.rounds, "rounds", 3, "rounds: each runs every server once at each count, in an order that rotates")
	fs.DurationVar(&opts.warmup, "warmup", 500*time.Millisecond, "warm-up before each window")
	fs.DurationVar(&opts.window, "window", time.Second, "measuring window of each echo run")
	fs.IntVar(&opts.chatUsers, "chat-users", 50, "users of the chat load")
	fs.Float64Var(&opts.maxOther, "max-other", 0.25, "CPUs other processes may use during a run before it is redone")
	fs.BoolVar(&opts.syscalls, "syscalls", false, "count each echo server's system calls per round trip with perf stat "+
		"(its tracepoint adds a little to every system call's cost, so the CPU figures of syscall-heavy servers rise)")
	fs.StringVar(&opts.serve, "serve", "", "instead of a run: serve the run's completion echo (which loopkit run has not) until SIGTERM")
	fs.StringVar(&opts.addr, "addr", addrArg, "the address --serve listens on")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if opts.serve != "" && opts.serve != "completion" {
		return opts, fmt.Errorf("--serve: unknown server %q (the run serves only completion itself)", opts.serve)
	}
	if opts.rounds < 1 {
		return opts, fmt.Errorf("--rounds must be at least 1")
	}
	var err error
	if opts.conns, err = parseInts("--conns", *conns); err != nil {
		return opts, err
	}
	if *only != "" {
		opts.only = strings.Split(*only, ",")
		for _, name := range opts.only {
			if !slices.ContainsFunc(contenders("", ""), func(c contender) bool { return c.name == name }) {
				return opts, fmt.Errorf("unknown server %q (choose among: %s)", name, strings.Join(contenderNames(), ", "))
			}
		}
	}
	return opts, nil
}

// runHomelands runs the rounds. In each round, every echo server runs once
// at each connection count, then every chat server plays each scenario,
// each run on a fresh server; the order of the servers rotates by one from
// round to round, so that a slow drift of the machine falls on all alike.
func runHomelands(o homelandsOptions, progress io.Writer) (*homelandsResults, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	dir, err := unpackBench()
	defer os.RemoveAll(dir)
	if err != nil {
		return nil, err
	}
	all, missing := present(contenders(exe, dir), o.only)
	for _, m := range missing {
		fmt.Fprintf(progress, "homelands: left out %s; the run goes on without it\n", m)
	}
	place, err := placeProcesses()
	if err != nil {
		return nil, err
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // the client's share: see startChild
	r := &homelandsResults{Settings: homelandsSettingsOf(o, place), Missing: missing}
	echoes := slices.DeleteFunc(slices.Clone(all), func(c contender) bool { return c.program != "echo" })
	chats := slices.DeleteFunc(slices.Clone(all), func(c contender) bool { return c.program != "chat" })
	h := &homelandsRun{opts: o, place: place, progress: progress, results: r}
	for round := range o.rounds {
		for _, n := range o.conns {
			for _, c := range rotate(echoes, round) {
				r.EchoRuns = append(r.EchoRuns, h.echo(c, n, round))
			}
		}
		for _, sc := range chatScenarios {
			for _, c := range rotate(chats, round) {
				r.ChatRuns = append(r.ChatRuns, h.chat(c, sc, round))
			}
		}
	}
	fmt.Fprintf(progress, "\r\033[K")
	r.summarize(echoes, chats)
	return r, nil
}

// A homelandsRun is the state of one run of the rounds.
type homelandsRun struct {
	opts     homelandsOptions
	place    placement
	progress io.Writer
	results  *homelandsResults
}

// redoLimit is how many times a run during which other processes took CPU
// is redone; then it is kept, marked noisy.
const redoLimit = 2

// echo runs the echo load on a fresh server, and again if other processes
// took more than --max-other CPUs meanwhile.
func (h *homelandsRun) echo(c contender, conns, round int) homelandEchoRun {
	for attempt := 0; ; attempt++ {
		h.show("round %d/%d, echo at %d connections: %s", round+1, h.opts.rounds, conns, c.name)
		run := h.echoOnce(c, conns)
		run.Round, run.Redone = round, attempt
		if run.Error != "" {
			h.results.fail("echo %s, %d connections, round %d: %s", c.name, conns, round+1, run.Error)
			return run
		}
		if run.OtherCPU <= h.opts.maxOther || attempt == redoLimit {
			run.Noisy = run.OtherCPU > h.opts.maxOther
			return run
		}
		h.say("redoing echo %s at %d connections: other processes took %.2f CPUs during it", c.name, conns, run.OtherCPU)
	}
}

// echoOnce starts the server, waits for a quiet machine, and measures. A
// server that does not stop cleanly fails the run (run is named so that
// the deferred stop can say so).
func (h *homelandsRun) echoOnce(c contender, conns int) (run homelandEchoRun) {
	run = homelandEchoRun{Server: c.name, Conns: conns}
	srv, err := startPinned(h.place, c.command())
	if err != nil {
		run.Error = err.Error()
		return run
	}
	defer func() {
		if err := stopHomeland(srv); err != nil && run.Error == "" {
			run.Error = "stopping: " + err.Error()
		}
	}()
	h.waitQuiet()
	var open, shut serverReading
	var counter *syscallCounter
	var counted syscallCount
	var countErr error
	load := epollLoad{conns: conns, size: h.opts.size, warmup: h.opts.warmup, window: h.opts.window}
	fig, err := load.run(srv.addr, func(opening bool) {
		if opening {
			if h.opts.syscalls {
				counter, countErr = countSyscalls(srv.cmd.Process.Pid)
			}
			open = readServer(srv)
		} else {
			shut = readServer(srv)
			if counter != nil {
				counted, countErr = counter.stop()
			}
		}
	})
	if err == nil {
		err = countErr
	}
	if err != nil {
		run.Error = err.Error()
		return run
	}
	run.epollFigures = fig
	cpu, elapsed := shut.cpu-open.cpu, shut.at.Sub(open.at)
	run.ServerCPU = cpu.Seconds() / elapsed.Seconds()
	run.ServerCPUPerRTus = float64(cpu.Microseconds()) / float64(fig.RoundTrips)
	run.OtherCPU = (shut.busy-open.busy-cpu).Seconds()/elapsed.Seconds() - fig.ClientCPU
	if counted.span > 0 && fig.RoundTrips > 0 {
		run.SyscallsPerRT = counted.perSecond() / (float64(fig.RoundTrips) / elapsed.Seconds())
	}
	if rss, err := srv.peakRSS(); err == nil {
		run.PeakRSSMB = float64(rss) / (1 << 20)
	}
	return run
}

// chat plays a chat scenario on a fresh server, and again if other
// processes took more than --max-other CPUs meanwhile.
func (h *homelandsRun) chat(c contender, sc chatScenario, round int) homelandChatRun {
	for attempt := 0; ; attempt++ {
		h.show("round %d/%d, chat %s: %s", round+1, h.opts.rounds, sc.name, c.name)
		run := h.chatOnce(c, sc)
		run.Round, run.Redone = round, attempt
		if run.Error != "" {
			h.results.fail("chat %s, %s, round %d: %s", c.name, sc.name, round+1, run.Error)
			return run
		}
		if run.OtherCPU <= h.opts.maxOther || attempt == redoLimit {
			run.Noisy = run.OtherCPU > h.opts.maxOther
			return run
		}
		h.say("redoing chat %s %s: other processes took %.2f CPUs during it", c.name, sc.name, run.OtherCPU)
	}
}

// chatOnce starts the server, waits for a quiet machine, and plays the
// scenario with compare's chat load.
func (h *homelandsRun) chatOnce(c contender, sc chatScenario) (run homelandChatRun) {
	run = homelandChatRun{Server: c.name, Scenario: sc.name, Users: h.opts.chatUsers}
	srv, err := startPinned(h.place, c.command())
	if err != nil {
		run.Error = err.Error()
		return run
	}
	defer func() {
		if err := stopHomeland(srv); err != nil && run.Error == "" {
			run.Error = "stopping: " + err.Error()
		}
	}()
	h.waitQuiet()
	var before, after serverReading
	var client0, client1 clientUsage
	load := chatLoad{users: h.opts.chatUsers, scenario: sc, bound: homelandsChatBound, quiet: homelandsChatQuiet,
		onStart: func() { before, client0 = readServer(srv), readClientUsage() }}
	fig, err := load.run(srv.addr)
	time.Sleep(time.Until(before.at.Add(otherSpan)))
	after, client1 = readServer(srv), readClientUsage()
	if err != nil {
		run.Error = err.Error()
		return run
	}
	run.chatFigures = fig
	cpu, elapsed := after.cpu-before.cpu, after.at.Sub(before.at)
	if fig.Deliveries > 0 {
		run.ServerCPUPerDeliveryUs = float64(cpu.Microseconds()) / float64(fig.Deliveries)
	}
	run.ServerCPU = cpu.Seconds() / elapsed.Seconds()
	run.OtherCPU = (after.busy - before.busy - cpu - (client1.cpu - client0.cpu)).Seconds() / elapsed.Seconds()
	if rss, err := srv.peakRSS(); err == nil {
		run.PeakRSSMB = float64(rss) / (1 << 20)
	}
	return run
}

// homelandsChatBound is how long a chat scenario may take, and
// homelandsChatQuiet how long a reader waits for its next line before it
// concludes that no more are coming. Both are longer than compare's: the
// talk's chat has no bound on its queues, and its writer greenlet sends
// its user's whole queue before gevent's hub runs the next one, so in a
// burst the last user may hear nothing for a second, and then everything.
// Under compare's half second that user would stop listening and count
// lines as lost that were only late.
const (
	homelandsChatBound = 30 * time.Second
	homelandsChatQuiet = 3 * time.Second
)

// otherSpan is the shortest span over which a run tells what CPU other
// processes took. /proc/stat counts in ticks of 10 ms: over the 40 ms a
// fast chat server takes for a burst, a tick more or less is 0.25 CPUs, and
// the run would be redone for nothing. So the reading that ends a chat run
// waits until this much has passed; the server is idle by then and adds
// nothing to its CPU time.
const otherSpan = time.Second

// waitQuiet waits for the machine to be quiet before a run, and says so
// when it never was.
func (h *homelandsRun) waitQuiet() {
	if load, quiet := waitQuiet(h.opts.maxOther); !quiet {
		h.say("the machine stayed busy (%.2f CPUs) for %v: running anyway", load, quietBound)
	}
}

// A serverReading is the server's CPU time and the machine's busy time at
// one moment.
type serverReading struct {
	at   time.Time
	cpu  time.Duration
	busy time.Duration
}

func readServer(c *child) serverReading {
	cpu, _ := processCPU(c.cmd.Process.Pid)
	busy, _ := machineBusy()
	return serverReading{at: time.Now(), cpu: cpu, busy: busy}
}

// stopHomeland sends SIGTERM and waits. Death by that signal is the normal
// end of Node's, Python's and C's servers, which do not catch it; a server
// that does not exit in time is killed.
func stopHomeland(c *child) error {
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.exited:
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGTERM {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%v: %s", err, strings.TrimSpace(c.stderr.String()))
		}
		return nil
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		<-c.exited
		return errors.New("the server did not stop within 10 s of SIGTERM")
	}
}

// show rewrites the progress line; say prints a line that stays.
func (h *homelandsRun) show(format string, args ...any) {
	fmt.Fprintf(h.progress, "\r\033[K"+format, args...)
}

func (h *homelandsRun) say(format string, args ...any) {
	fmt.Fprintf(h.progress, "\r\033[K"+format+"\n", args...)
}
