package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/loopkit/loopkit/examples/chat"
	"github.com/loopkit/loopkit/examples/echo"
	"github.com/loopkit/loopkit/examples/fetch"
	"github.com/loopkit/loopkit/internal/pollcost"
	"github.com/loopkit/loopkit/loop"
)

// compareOptions are the flags of loopkit compare.
type compareOptions struct {
	out       string
	full      bool
	yours     bool
	styles    []string
	backends  []string
	conns     []int
	idle      []int
	warmup    time.Duration
	window    time.Duration
	rounds    int
	chatUsers int
	size      int
	urls      int
	pool      int
	delay     time.Duration
}

// compareCommand is loopkit compare: measure, print the table, write the
// report.
func compareCommand(args []string, stdout, stderr io.Writer) int {
	// --homelands is a run of its own, with flags of its own.
	if i := slices.IndexFunc(args, func(a string) bool { return a == "--homelands" || a == "-homelands" }); i >= 0 {
		return homelandsCommand(slices.Delete(slices.Clone(args), i, i+1), stdout, stderr)
	}
	opts, err := parseCompare(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "loopkit compare: %v\n", err)
		return 2
	}
	began := time.Now()
	r := runCompare(opts, stderr)
	r.Settings.Seconds = time.Since(began).Seconds()
	printTables(stdout, r)
	if err := writeReport(opts.out, r); err != nil {
		fmt.Fprintf(stderr, "loopkit compare: writing the report: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "\nreport: %s/README.md, %s/results.json and charts (%s)\n", opts.out, opts.out, time.Since(began).Round(time.Second))
	if len(r.Failures) > 0 {
		return 1
	}
	return 0
}

func parseCompare(args []string, stderr io.Writer) (compareOptions, error) {
	opts := compareOptions{size: 64, urls: 100, pool: 20, delay: 10 * time.Millisecond}
	fs := flag.NewFlagSet("loopkit compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.out, "out", "report", "the report folder")
	fs.BoolVar(&opts.full, "full", false, "the longer sweep: longer windows, more connection and fd counts")
	fs.BoolVar(&opts.yours, "yours", false, "also your poller of tutorial step 03, as the backend \"yours\" in the poll cost and the echo table (LOOPKIT_IMPL=solution: the reference)")
	styles := fs.String("styles", "", "styles to run, comma-separated (default: all)")
	backends := fs.String("backends", "", "backends to run, comma-separated (default: all: "+strings.Join(loop.Backends(), ",")+")")
	conns := fs.String("conns", "", "echo connection counts (default 1,100,1000)")
	idle := fs.String("idle", "", "idle fd counts for the poll cost (default 1,10,100,1000)")
	fs.DurationVar(&opts.warmup, "warmup", 0, "warm-up before each window (default 100ms, --full 500ms)")
	fs.DurationVar(&opts.window, "window", 0, "measuring window of each run (default 400ms, --full 3s); a chat scenario may take five")
	fs.IntVar(&opts.rounds, "rounds", 3, "echo rounds per server and connection count, servers in rotating order; the rounds share the warm-up and the window")
	fs.IntVar(&opts.chatUsers, "chat-users", 50, "users of the chat load")
	fs.Bool("homelands", false, "instead: each style beside its homeland's server (Node, asyncio, gevent, C, Go net), in rounds on pinned CPUs (loopkit compare --homelands -h)")
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if opts.rounds < 1 {
		return opts, fmt.Errorf("--rounds: %d is not a positive number", opts.rounds)
	}
	opts.defaults()
	var err error
	if opts.styles, err = pickNames("style", *styles, echo.Styles.Names()); err != nil {
		return opts, err
	}
	if opts.backends, err = pickNames("backend", *backends, loop.Backends()); err != nil {
		return opts, err
	}
	if *conns != "" {
		if opts.conns, err = parseInts("--conns", *conns); err != nil {
			return opts, err
		}
	}
	if *idle != "" {
		if opts.idle, err = parseInts("--idle", *idle); err != nil {
			return opts, err
		}
	}
	return opts, nil
}

// defaults fills in what the flags left to the mode.
func (o *compareOptions) defaults() {
	o.conns, o.idle = []int{1, 100, 1000}, []int{1, 10, 100, 1000}
	warmup, window := 100*time.Millisecond, 400*time.Millisecond
	if o.full {
		o.conns, o.idle = []int{1, 10, 100, 300, 1000}, []int{1, 10, 30, 100, 300, 1000}
		warmup, window = 500*time.Millisecond, 3*time.Second
	}
	if o.warmup == 0 {
		o.warmup = warmup
	}
	if o.window == 0 {
		o.window = window
	}
}

// pickNames checks a comma-separated list against the choices; "" is all.
func pickNames(what, list string, choices []string) ([]string, error) {
	if list == "" {
		return choices, nil
	}
	var out []string
	for _, name := range strings.Split(list, ",") {
		if !slices.Contains(choices, name) {
			return nil, fmt.Errorf("unknown %s %q (choose among: %s)", what, name, strings.Join(choices, ", "))
		}
		out = append(out, name)
	}
	return out, nil
}

func parseInts(flagName, list string) ([]int, error) {
	var out []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive number", flagName, s)
		}
		out = append(out, n)
	}
	return out, nil
}

// A server is one style on one backend: what compare runs a load against.
// The goroutines style has no backend.
type server struct {
	Style   string `json:"style"`
	Backend string `json:"backend,omitempty"`
}

func (s server) String() string {
	if s.Backend == "" {
		return s.Style
	}
	return s.Style + "/" + s.Backend
}

// servers lists the style × backend pairs to run for a program's styles.
func (o compareOptions) servers(styles []string) []server {
	var out []server
	for _, st := range o.styles {
		if !slices.Contains(styles, st) {
			continue
		}
		if st == "goroutines" {
			out = append(out, server{Style: st})
			continue
		}
		for _, b := range o.backends {
			out = append(out, server{Style: st, Backend: b})
		}
	}
	return out
}

// runCompare runs every measure, in this order: the code (no running),
// the poll cost (in this process, before it opens sockets of its own), echo,
// chat, fetch, then n loops to m. A failure is recorded and the rest goes
// on.
func runCompare(o compareOptions, progress io.Writer) *results {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // the client's share: see startChild
	r := &results{Settings: settingsOf(o)}
	p := &progressLine{w: progress, total: o.steps()}
	r.Code = measureCode(o, r, p)
	r.PollCost = measurePollCost(o, r, p)
	yours := measureYours(o, r, p)
	if yours != nil {
		defer yours.remove()
	}
	r.Echo, r.Servers = measureEcho(o, r, p, yours)
	r.Chat = measureChat(o, r, p)
	r.Fetch = measureFetch(o, r, p)
	r.Loops = measureLoops(o, r, p)
	p.done()
	return r
}

// steps counts the steps that progress reports.
func (o compareOptions) steps() int {
	echoServers := len(o.servers(echo.Styles.Names()))
	yours := 0
	if o.yours {
		echoServers++
		yours = 1 // its build, check and poll cost
	}
	return 1 + len(o.backends)*len(o.idle) + yours + echoServers*len(o.conns)*o.rounds +
		len(o.servers(chat.Styles.Names()))*len(chatScenarios) + len(o.servers(fetch.Styles.Names())) + 2
}

// A progressLine shows how far compare has come, on one line of the
// terminal that it rewrites.
type progressLine struct {
	w     io.Writer
	step  int
	total int
	began time.Time
}

func (p *progressLine) show(what string) {
	if p.began.IsZero() {
		p.began = time.Now()
	}
	p.step++
	fmt.Fprintf(p.w, "\r\033[K[%3d/%d %5.1fs] %s", p.step, p.total, time.Since(p.began).Seconds(), what)
}

func (p *progressLine) done() { fmt.Fprintf(p.w, "\r\033[K") }

func measureCode(o compareOptions, r *results, p *progressLine) []codeFigures {
	p.show("code: lines and nesting of each style's file")
	styles := map[string][]string{}
	for _, prog := range programs {
		for _, st := range styleNames(prog) {
			if slices.Contains(o.styles, st) {
				styles[prog] = append(styles[prog], st)
			}
		}
	}
	code, err := measureExamples(styles)
	if err != nil {
		r.note("code metrics: %v (run compare from the repository to measure the sources)", err)
	}
	return code
}

func measurePollCost(o compareOptions, r *results, p *progressLine) []pollFigures {
	var out []pollFigures
	for _, b := range o.backends {
		for _, n := range o.idle {
			p.show(fmt.Sprintf("poll cost: %s, %d idle fds", b, n))
			d, err := pollCost(b, n, pollcost.Iterations)
			f := pollFigures{Backend: b, Idle: n, NsPerIteration: float64(d.Nanoseconds())}
			if err != nil {
				f.Error = err.Error()
				r.note("poll cost %s with %d idle fds: %v", b, n, err)
			}
			out = append(out, f)
		}
	}
	return out
}

// measureEcho runs the echo load at each connection count against each
// server, each server a child process of its own, in rounds: one round is
// every connection count against every server, the servers in a rotating
// order, so that no server always runs first, or just after the heaviest.
// One short window, client and server sharing two cores, can be off by 2x;
// the rounds show by how much. yours, if not nil, is one more server.
func measureEcho(o compareOptions, r *results, p *progressLine, yours *yoursProgram) ([]echoRun, []serverFigures) {
	servers, children := startEchoServers(o, r, p, yours)
	ld := echoLoad{size: o.size, warmup: o.warmup / time.Duration(o.rounds), window: o.window / time.Duration(o.rounds)}
	rounds := map[echoKey][]echoRun{}
	for round := range o.rounds {
		for _, n := range o.conns {
			for _, s := range rotate(servers, round) {
				p.show(fmt.Sprintf("echo round %d of %d, %s: %d connections", round+1, o.rounds, s, n))
				ld.conns = n
				k := echoKey{s, n}
				rounds[k] = append(rounds[k], runEcho(r, children[s], s, ld, 1))
			}
		}
	}
	var runs []echoRun
	var figures []serverFigures
	for _, s := range servers {
		for _, n := range o.conns {
			runs = append(runs, summarizeRounds(rounds[echoKey{s, n}]))
		}
		figures = append(figures, stopServer(r, children[s], "echo", s))
	}
	return runs, figures
}

// An echoKey names the rounds of one server at one connection count.
type echoKey struct {
	server server
	conns  int
}

// startEchoServers starts a child for each echo server, and yours last if
// not nil; it returns the servers that started, in order.
func startEchoServers(o compareOptions, r *results, p *progressLine, yours *yoursProgram) ([]server, map[server]*child) {
	var started []server
	children := map[server]*child{}
	servers := o.servers(echo.Styles.Names())
	if yours != nil {
		servers = append(servers, server{Style: "callbacks", Backend: yoursBackend})
	}
	for _, s := range servers {
		var c *child
		var err error
		if s.Backend == yoursBackend {
			c, err = yours.startEcho()
		} else {
			c, err = startChild("echo", s.Style, backendOrDefault(s.Backend), 1)
		}
		if err != nil {
			r.fail("echo %s: %v", s, err)
			p.step += len(o.conns) * o.rounds
			continue
		}
		started = append(started, s)
		children[s] = c
	}
	return started, children
}

// rotate returns xs rotated left by n.
func rotate[T any](xs []T, n int) []T {
	if len(xs) == 0 {
		return nil
	}
	n %= len(xs)
	return slices.Concat(xs[n:], xs[:n])
}

// summarizeRounds returns the round with the median rate, carrying the
// spread of the rates over all the rounds; a failed round stands for all.
func summarizeRounds(rounds []echoRun) echoRun {
	rates := make([]float64, len(rounds))
	for i, run := range rounds {
		if run.Error != "" {
			return run
		}
		rates[i] = run.PerSecond
	}
	sp := spreadOf(rates)
	// With an even count the median falls between two rounds: take the
	// nearest.
	mid := slices.MinFunc(rounds, func(a, b echoRun) int {
		return cmp.Compare(math.Abs(a.PerSecond-sp.Median), math.Abs(b.PerSecond-sp.Median))
	})
	mid.Rounds = sp
	return mid
}

// runEcho runs one echo load against a running child.
func runEcho(r *results, c *child, s server, ld echoLoad, loops int) echoRun {
	run := echoRun{server: s, Conns: ld.conns, Loops: loops}
	if isSelect(s.Backend) && ld.conns >= selectLimit {
		run.Error = fmt.Sprintf("select cannot watch fds at or above FD_SETSIZE (%d)", selectLimit)
		return run
	}
	var cpu0, cpu1 time.Duration
	fig, err := ld.run(c.addr, func(opening bool) {
		if opening {
			cpu0, _ = c.cpu()
		} else {
			cpu1, _ = c.cpu()
		}
	})
	if err != nil {
		run.Error = err.Error()
		r.fail("echo %s, %d connections: %v", s, ld.conns, err)
		return run
	}
	run.echoFigures = fig
	run.ServerCPU = (cpu1 - cpu0).Seconds() / ld.window.Seconds()
	if fig.RoundTrips > 0 {
		run.CPUPerRoundTripUs = float64((cpu1 - cpu0).Microseconds()) / float64(fig.RoundTrips)
	}
	return run
}

// selectLimit is FD_SETSIZE: a select server with this many connections
// has fds it cannot watch.
const selectLimit = 1000

// isSelect reports whether a backend is select, the kit's or yours (step
// 03 is a poller over select), and so has FD_SETSIZE's limit.
func isSelect(backend string) bool { return backend == "select" || backend == yoursBackend }

func stopServer(r *results, c *child, program string, s server) serverFigures {
	f := serverFigures{server: s, Program: program}
	cpu, _ := c.cpu()
	f.CPUSeconds = cpu.Seconds()
	if rss, err := c.peakRSS(); err == nil {
		f.PeakRSSMB = float64(rss) / (1 << 20)
	}
	if err := c.stop(); err != nil {
		r.fail("%s %s: stopping: %v", program, s, err)
	}
	return f
}

func backendOrDefault(b string) string {
	if b == "" {
		return loop.Backends()[0]
	}
	return b
}

// measureChat plays each chat scenario against each server, each time a
// fresh child, so that its peak memory is the scenario's own.
func measureChat(o compareOptions, r *results, p *progressLine) []chatRun {
	var out []chatRun
	for _, s := range o.servers(chat.Styles.Names()) {
		for _, sc := range chatScenarios {
			p.show(fmt.Sprintf("chat %s: %d users, %s", s, o.chatUsers, sc.name))
			out = append(out, runChat(o, r, s, sc))
		}
	}
	return out
}

// runChat plays one scenario against a new child. Lost lines and dropped
// users are figures, not failures: the report shows them.
func runChat(o compareOptions, r *results, s server, sc chatScenario) chatRun {
	run := chatRun{server: s, Scenario: sc.name, Users: o.chatUsers}
	if s.Backend == "select" && o.chatUsers >= selectLimit {
		run.Error = "select cannot watch that many fds"
		return run
	}
	c, err := startChild("chat", s.Style, backendOrDefault(s.Backend), 1)
	if err != nil {
		run.Error = err.Error()
		r.fail("chat %s: %v", s, err)
		return run
	}
	run.chatFigures, err = chatLoad{users: o.chatUsers, scenario: sc, bound: o.chatBound()}.run(c.addr)
	if err != nil {
		run.Error = err.Error()
		r.fail("chat %s, %s: %v", s, sc.name, err)
	}
	run.PeakRSSMB = stopServer(r, c, "chat", s).PeakRSSMB
	return run
}

// chatBound is how long a chat scenario may take: five windows. The
// lines of a paste or a burst all arrive at once, and the room takes what
// time it needs to pass them on; the bound only stops a room that never
// does.
func (o compareOptions) chatBound() time.Duration { return 5 * o.window }

// measureFetch runs each style's fetch in this process against a local
// server that answers each URL after a delay.
func measureFetch(o compareOptions, r *results, p *progressLine) []fetchRun {
	var out []fetchRun
	for _, s := range o.servers(fetch.Styles.Names()) {
		p.show(fmt.Sprintf("fetch %s: %d URLs through a pool of %d", s, o.urls, o.pool))
		f, _ := fetch.Styles.Lookup(s.Style)
		srv := fetch.NewLocalServer(o.delay)
		urls := make([]string, o.urls)
		for i := range urls {
			urls[i] = srv.URLOf(fmt.Sprintf("/ok/%d", i))
		}
		began := time.Now()
		results := f(fetch.Config{Backend: s.Backend, Pool: o.pool}, urls)
		run := fetchRun{server: s, URLs: o.urls, Pool: o.pool, DelayMs: float64(o.delay.Milliseconds()),
			WallMs: float64(time.Since(began).Microseconds()) / 1000, MaxInFlight: srv.MaxInFlight()}
		srv.Close()
		for _, res := range results {
			if res.Err != nil {
				run.Failed++
			}
		}
		if run.Failed > 0 {
			r.fail("fetch %s: %d of %d URLs failed", s, run.Failed, o.urls)
		}
		out = append(out, run)
	}
	return out
}

// measureLoops runs the best loop style's echo (by round trips per second
// at 100 connections) on one loop and on two, at 100 connections.
func measureLoops(o compareOptions, r *results, p *progressLine) []echoRun {
	best, ok := bestLoopStyle(r.Echo, 100)
	if !ok {
		p.step += 2
		return nil
	}
	var out []echoRun
	for _, loops := range []int{1, 2} {
		p.show(fmt.Sprintf("n to m: echo %s on %d loop(s), 100 connections", best, loops))
		c, err := startChild("echo", best.Style, best.Backend, loops)
		if err != nil {
			r.note("echo %s on %d loops: %v", best, loops, firstLine(err.Error()))
			out = append(out, echoRun{server: best, Conns: 100, Loops: loops, Error: firstLine(err.Error())})
			continue
		}
		ld := echoLoad{conns: 100, size: o.size, warmup: o.warmup, window: o.window}
		out = append(out, runEcho(r, c, best, ld, loops))
		stopServer(r, c, "echo", best)
	}
	return out
}

// bestLoopStyle returns the kit's loop style and backend with the most round
// trips per second at conns connections.
func bestLoopStyle(runs []echoRun, conns int) (server, bool) {
	var best echoRun
	for _, run := range runs {
		if run.Backend != "" && run.Backend != yoursBackend && run.Conns == conns && run.Error == "" && run.PerSecond > best.PerSecond {
			best = run
		}
	}
	return best.server, best.PerSecond > 0
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func settingsOf(o compareOptions) settings {
	return settings{
		Full: o.full, Warmup: o.warmup.String(), Window: o.window.String(), EchoRounds: o.rounds, MessageBytes: o.size,
		ChatUsers: o.chatUsers, URLs: o.urls, Pool: o.pool, Delay: o.delay.String(),
		GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(),
		Date: time.Now().UTC().Format(time.RFC3339),
	}
}
