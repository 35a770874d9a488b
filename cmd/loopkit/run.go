package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/examples/chat"
	"github.com/loopkit/loopkit/examples/echo"
	"github.com/loopkit/loopkit/examples/fetch"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/internal/lan"
	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
)

// programs are the programs run knows, in the order usage lists them.
var programs = []string{"echo", "chat", "fetch"}

// defaultAddrs are the addresses of the talk: its echo server on 8000, its
// chat server on 8001.
var defaultAddrs = map[string]string{
	"echo": "127.0.0.1:8000",
	"chat": "127.0.0.1:8001",
}

// runOptions are the flags of loopkit run.
type runOptions struct {
	program string
	style   string
	backend string
	addr    string
	loops   int
	pool    int
	urls    []string

	nameTimeout time.Duration // chat
}

// runCommand is loopkit run: start the program, wait for a signal, stop.
func runCommand(args []string, stdout, stderr io.Writer) int {
	opts, err := parseRun(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "loopkit run: %v\n", err)
		return 2
	}
	if opts.program == "fetch" {
		return runFetch(opts, stdout, stderr)
	}
	// Catch the signals before the server says it listens: a SIGTERM sent
	// right after that line must stop the server, not kill the process.
	stop, err := catchStop()
	if err != nil {
		fmt.Fprintf(stderr, "loopkit run %s: %v\n", opts.program, err)
		return 1
	}
	console := chatroom.NewConsole(stdout, time.Now)
	srv, err := startServer(opts, console, func(err error) { fmt.Fprintf(stderr, "loopkit: %v\n", err) })
	if err != nil {
		stop.close()
		fmt.Fprintf(stderr, "loopkit run %s: %v\n", opts.program, err)
		return 1
	}
	announce(opts, srv.Addr(), stdout, stderr)
	if opts.program == "chat" {
		fmt.Fprintf(stdout, "Who joins, leaves or is dropped follows here, and every %v the messages per second.\n", chatroom.RateEvery)
		done := make(chan struct{})
		defer close(done)
		go console.Run(done)
	}
	if err := stop.wait(); err != nil {
		fmt.Fprintf(stderr, "loopkit run %s: waiting for Ctrl-C: %v\n", opts.program, err)
	}
	if err := srv.Close(); err != nil {
		fmt.Fprintf(stderr, "loopkit run %s: closing: %v\n", opts.program, err)
		return 1
	}
	return 0
}

// parseRun parses "PROGRAM [flags] [URL...]", checking every name against
// its choices.
func parseRun(args []string, stderr io.Writer) (runOptions, error) {
	var opts runOptions
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return opts, fmt.Errorf("which program? (choose one of: %s)", strings.Join(programs, ", "))
	}
	opts.program = args[0]
	if !contains(programs, opts.program) {
		return opts, fmt.Errorf("unknown program %q (choose one of: %s)", opts.program, strings.Join(programs, ", "))
	}
	fs := flag.NewFlagSet("loopkit run "+opts.program, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.style, "style", "callbacks", "the style: "+strings.Join(styleNames(opts.program), ", "))
	fs.StringVar(&opts.backend, "backend", loop.Backends()[0], "the poller of a loop style: "+strings.Join(loop.Backends(), ", "))
	if opts.program == "fetch" {
		fs.IntVar(&opts.pool, "pool", 20, "the most requests in flight")
	} else {
		fs.StringVar(&opts.addr, "addr", defaultAddrs[opts.program], "the address to listen on (port 0: any free port)")
		fs.IntVar(&opts.loops, "loops", 1, "loops of a loop style, each on its own thread, sharing the port (echo only)")
	}
	if opts.program == "chat" {
		// Only the name has a time limit: a joined user may listen for an
		// hour without a word, as most of a room does.
		fs.DurationVar(&opts.nameTimeout, "name-timeout", chatroom.DefaultLimits.NameTimeout,
			"how long a connection may take to give its name (joined users have no idle limit)")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return opts, err
	}
	opts.urls = fs.Args()
	if err := refuseIgnored(fs, opts.style); err != nil {
		return opts, err
	}
	return opts, checkRun(opts)
}

// refuseIgnored refuses the flags of a loop given to a style that has none:
// the goroutines style serves on Go's net package, whose netpoller is the
// runtime's own, so --backend and --loops would change nothing but the
// line that says how it runs.
func refuseIgnored(fs *flag.FlagSet, style string) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		if !hasLoop(style) && (f.Name == "backend" || f.Name == "loops") && err == nil {
			err = fmt.Errorf("--%s: the %s style has no loop (it runs on Go's net package and its runtime's netpoller); leave --%s out, or choose a loop style", f.Name, style, f.Name)
		}
	})
	return err
}

// hasLoop reports whether style runs on loopkit loops: every style but
// goroutines.
func hasLoop(style string) bool { return style != "goroutines" }

// checkRun refuses names that are not among the choices, naming them.
func checkRun(opts runOptions) error {
	if !contains(styleNames(opts.program), opts.style) {
		return fmt.Errorf("unknown style %q (choose one of: %s)", opts.style, strings.Join(styleNames(opts.program), ", "))
	}
	if opts.backend == yoursBackend && opts.program != "fetch" {
		// loopkit does not link the student's code in: a half-written
		// exercise would stop loopkit from compiling.
		return fmt.Errorf("--backend yours: your step 03 poller serves from its own program: go run ./tutorials/03-select -serve %s", opts.program)
	}
	if !contains(loop.Backends(), opts.backend) {
		return fmt.Errorf("unknown backend %q (this OS has: %s)", opts.backend, strings.Join(loop.Backends(), ", "))
	}
	if opts.program != "fetch" && opts.loops < 1 {
		return fmt.Errorf("--loops must be at least 1, not %d", opts.loops)
	}
	if opts.program != "fetch" && len(opts.urls) > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(opts.urls, " "))
	}
	if opts.program == "chat" && opts.nameTimeout <= 0 {
		return fmt.Errorf("--name-timeout must be more than 0, not %v", opts.nameTimeout)
	}
	if opts.program == "fetch" && opts.pool < 1 {
		return fmt.Errorf("--pool must be at least 1, not %d", opts.pool)
	}
	return nil
}

func styleNames(program string) []string {
	switch program {
	case "echo":
		return echo.Styles.Names()
	case "chat":
		return chat.Styles.Names()
	}
	return fetch.Styles.Names()
}

// startServer starts echo or chat as opts say; the chat tells console of
// its joins, leaves, drops and messages.
func startServer(opts runOptions, console *chatroom.Console, onError func(error)) (examples.Server, error) {
	cfg := examples.Config{Addr: opts.addr, Backend: opts.backend, Loops: opts.loops, OnError: onError}
	if opts.program == "chat" {
		start, err := chat.Styles.Lookup(opts.style)
		if err != nil {
			return nil, err
		}
		limits := chatroom.DefaultLimits
		limits.NameTimeout = opts.nameTimeout
		limits.Events = console.Event
		return start(cfg, limits)
	}
	start, err := echo.Styles.Lookup(opts.style)
	if err != nil {
		return nil, err
	}
	return start(cfg)
}

// announce prints where the server listens (the first line, which compare
// reads to find the port), how to reach it, and a warning if it is not on
// loopback.
func announce(opts runOptions, addr string, stdout, stderr io.Writer) {
	fmt.Fprintf(stdout, "loopkit: %s (%s) listening on %s\n", opts.program, how(opts), addr)
	if ap, err := sock.ParseAddr(opts.addr); err == nil && !ap.Addr().IsLoopback() {
		fmt.Fprintf(stderr, "loopkit: warning: %s is not a loopback address: other machines can connect\n", opts.addr)
	}
	switch opts.program {
	case "chat":
		fmt.Fprintf(stdout, "To join, loopkit join %s. Ctrl-C stops the server.\n", addr)
	case "echo":
		fmt.Fprintf(stdout, "Try: loopkit join %s  (every line comes back). Ctrl-C stops the server.\n", addr)
	}
	others, err := lan.Addrs(addr)
	if err != nil {
		fmt.Fprintf(stderr, "loopkit: %v\n", err)
	}
	for _, other := range others {
		fmt.Fprintf(stdout, "From another machine: loopkit join %s\n", other)
	}
}

// how says how the program runs: its style, and for a loop style the
// backend and the number of loops.
func how(opts runOptions) string {
	switch {
	case !hasLoop(opts.style):
		return opts.style + ", Go's net"
	case opts.program == "fetch":
		return fmt.Sprintf("%s, %s", opts.style, opts.backend)
	}
	return fmt.Sprintf("%s, %s, %d loop(s)", opts.style, opts.backend, opts.loops)
}

// runFetch fetches the URLs given, or, with none, runs the talk's example
// against a local server: 100 URLs through the pool, each answered after
// 50 ms.
func runFetch(opts runOptions, stdout, stderr io.Writer) int {
	f, err := fetch.Styles.Lookup(opts.style)
	if err != nil {
		fmt.Fprintf(stderr, "loopkit run fetch: %v\n", err)
		return 2
	}
	urls := opts.urls
	if len(urls) == 0 {
		s := fetch.NewLocalServer(50 * time.Millisecond)
		defer s.Close()
		for i := range 100 {
			urls = append(urls, s.URLOf(fmt.Sprintf("/ok/%d", i)))
		}
		fmt.Fprintf(stdout, "fetching 100 URLs from a local server that answers each after 50 ms, through a pool of %d\n", opts.pool)
	}
	began := time.Now()
	results := f(fetch.Config{Backend: opts.backend, Pool: opts.pool}, urls)
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
			fmt.Fprintf(stdout, "%s: error: %v\n", r.URL, r.Err)
			continue
		}
		fmt.Fprintf(stdout, "%s: %d bytes\n", r.URL, len(r.Body))
	}
	fmt.Fprintf(stdout, "%d URLs, %d failed, in %v (%s, pool of %d)\n", len(results), failed, time.Since(began).Round(time.Millisecond), how(opts), opts.pool)
	if failed > 0 {
		return 1
	}
	return 0
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
