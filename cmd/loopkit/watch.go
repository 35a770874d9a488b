package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/examples/chat"
	"github.com/loopkit/loopkit/examples/echo"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/trace/scenarios"
	"github.com/loopkit/loopkit/watch"
)

// watchCommand is loopkit watch: the loop live in a browser (package
// watch):
//
//	loopkit watch SCENARIO [--style S] [--backend B] [--page ADDR]
//	loopkit watch echo|chat --live [--addr ADDR] [--style S] [--backend B] [--page ADDR]
//
// A scenario of loopkit trace starts paused before its first iteration:
// the page steps it. With --live, the real echo or chat server runs, for
// anyone to join (loopkit join, telnet), and the page shows every message
// cross the loop. Either way it serves the page until Ctrl-C.
func watchCommand(args []string, stdout, stderr io.Writer) int {
	opts, err := parseWatch(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "loopkit watch: %v\n", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := watchRun(ctx, opts, stdout); err != nil {
		fmt.Fprintf(stderr, "loopkit watch: %v\n", err)
		return 1
	}
	return 0
}

// watchOptions are the flags of loopkit watch.
type watchOptions struct {
	program string // a scenario's name, or with live, echo or chat
	live    bool
	style   string
	backend string
	addr    string // live: the server's address
	page    string // the page's address
}

// parseWatch parses "[flags] PROGRAM [flags]".
func parseWatch(args []string, stderr io.Writer) (watchOptions, error) {
	var opts watchOptions
	fs := flag.NewFlagSet("loopkit watch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&opts.live, "live", false, "run the real echo or chat server for anyone to join, rather than a scenario's script")
	fs.StringVar(&opts.style, "style", "", "the style (default: the scenario's first; coroutines with --live)")
	fs.StringVar(&opts.backend, "backend", "", "the poller: "+strings.Join(loop.Backends(), ", "))
	fs.StringVar(&opts.addr, "addr", "", "with --live, the server's address (default: loopkit run's, 127.0.0.1:8000 or :8001)")
	fs.StringVar(&opts.page, "page", "127.0.0.1:7070", "the page's address; whoever reaches it can pause the program")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: loopkit watch SCENARIO [flags]\n       loopkit watch echo|chat --live [flags]\n\nscenarios: %s\n\nflags:\n", strings.Join(scenarios.Names(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		opts.program = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return opts, err
		}
	}
	switch {
	case fs.NArg() > 0:
		return opts, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	case opts.program == "":
		return opts, fmt.Errorf("name a scenario (%s), or echo or chat with --live", strings.Join(scenarios.Names(), ", "))
	case opts.backend != "" && !contains(loop.Backends(), opts.backend):
		return opts, fmt.Errorf("unknown backend %q (this OS has: %s)", opts.backend, strings.Join(loop.Backends(), ", "))
	case opts.live:
		return opts, checkLive(&opts)
	case opts.addr != "":
		return opts, errors.New("--addr is the address of a --live server; a scenario's servers take free ports")
	}
	sc, err := scenarios.Lookup(opts.program)
	if err != nil {
		return opts, err
	}
	if opts.style != "" && !contains(sc.Styles, opts.style) {
		return opts, fmt.Errorf("scenario %s has no style %q (choose one of: %s)", sc.Name, opts.style, strings.Join(sc.Styles, ", "))
	}
	return opts, nil
}

// checkLive checks the program and style of --live and fills in the
// defaults.
func checkLive(opts *watchOptions) error {
	var names []string
	switch opts.program {
	case "echo":
		names = echo.Styles.Names()
	case "chat":
		names = chat.Styles.Names()
	default:
		return fmt.Errorf("--live runs echo or chat, not %q", opts.program)
	}
	if opts.style == "" {
		opts.style = "coroutines"
	}
	if !hasLoop(opts.style) {
		return fmt.Errorf("the %s style has no loop to watch (choose one of: callbacks, protocol, coroutines)", opts.style)
	}
	if !contains(names, opts.style) {
		return fmt.Errorf("%s has no style %q (choose one of: %s)", opts.program, opts.style, strings.Join(names, ", "))
	}
	if opts.addr == "" {
		opts.addr = defaultAddrs[opts.program]
	}
	return nil
}

// watchRun serves the page and runs the program until ctx is done (a
// scenario's run ends sooner, and its last frame stays on the page).
func watchRun(ctx context.Context, opts watchOptions, stdout io.Writer) error {
	w, err := watch.Listen(opts.page)
	if err != nil {
		return fmt.Errorf("--page %s: %w", opts.page, err)
	}
	fmt.Fprintf(stdout, "loopkit: watch the loop on %s\n", w.URL())
	if opts.live {
		err = watchLive(ctx, w, opts, stdout)
	} else {
		// Ctrl-C closes the page at once, and so lets a scenario the
		// page held run to its end, at once on its fake clock. (Close,
		// not Run: a Pause that comes after it does nothing.)
		stop := context.AfterFunc(ctx, func() { w.Close() })
		defer stop()
		err = watchScenario(w, opts, stdout)
		if err == nil {
			fmt.Fprintln(stdout, "loopkit: the run has ended; Ctrl-C stops the page")
			<-ctx.Done()
		}
	}
	return errors.Join(err, w.Close())
}

// watchScenario runs a scenario of loopkit trace under w, held before its
// first iteration.
func watchScenario(w *watch.Watcher, opts watchOptions, stdout io.Writer) error {
	sc, err := scenarios.Lookup(opts.program)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "loopkit: the loop waits at iteration 1: press Step or Run on the page")
	_, err = showScenario(w, sc, scenarios.Options{Style: opts.style, Backend: opts.backend})
	return err
}

// showScenario runs sc under w, held before its first iteration. The
// scenario records with a recorder of its own, whose diagram is the same
// on every run, and hands w a frame from its pause at each iteration;
// run.Pause, if set, sees each pause first.
func showScenario(w *watch.Watcher, sc scenarios.Scenario, run scenarios.Options) (scenarios.Result, error) {
	style := run.Style
	if style == "" {
		style = sc.Styles[0]
	}
	w.SetTitle(fmt.Sprintf("%s, %s style: %s", sc.Name, style, sc.Doc))
	w.Pause()
	var shown int // events handed to w so far
	also := run.Pause
	run.Pause = func(p scenarios.Paused) {
		if also != nil {
			also(p)
		}
		w.Show(p.Snapshot, p.Events[shown:])
		shown = len(p.Events)
	}
	res, err := sc.Run(run)
	w.Finish(res.Events[min(shown, len(res.Events)):])
	return res, err
}

// watchLive runs the echo or chat server with w watching its loop, until
// ctx is done.
func watchLive(ctx context.Context, w *watch.Watcher, opts watchOptions, stdout io.Writer) error {
	cfg := examples.Config{Addr: opts.addr, Backend: opts.backend, Hooks: examples.Hooks{
		LoopOptions: []loop.Option{loop.WithObserver(w)},
		OnLoop:      w.Attach,
		OnHub:       w.AttachHub,
	}}
	srv, err := startLive(cfg, opts, w)
	if err != nil {
		return err
	}
	w.SetTitle(fmt.Sprintf("%s (%s style) on %s: join with loopkit join %s, or telnet", opts.program, opts.style, srv.Addr(), srv.Addr()))
	fmt.Fprintf(stdout, "loopkit: %s listening on %s; join with loopkit join %s. Ctrl-C stops.\n", opts.program, srv.Addr(), srv.Addr())
	<-ctx.Done()
	w.Run() // a loop the page holds could not run the server's stop
	return srv.Close()
}

// startLive starts echo or chat in opts.style, on one loop. The chat's
// room tells w who joins, speaks and leaves, for the diagram.
func startLive(cfg examples.Config, opts watchOptions, w *watch.Watcher) (examples.Server, error) {
	if opts.program == "chat" {
		start, err := chat.Styles.Lookup(opts.style)
		if err != nil {
			return nil, err
		}
		limits := chatroom.DefaultLimits
		limits.Events = func(e chatroom.Event) { w.Note("", roomNote(e)) }
		return start(cfg, limits)
	}
	start, err := echo.Styles.Lookup(opts.style)
	if err != nil {
		return nil, err
	}
	return start(cfg)
}

// roomNote says what happened in the chat's room, as a line of the
// diagram. A message's words are not told to Events, only who said it.
func roomNote(e chatroom.Event) string {
	switch e.Kind {
	case chatroom.UserJoined:
		return e.Name + " joins from " + e.IP
	case chatroom.UserLeft:
		return e.Name + " leaves"
	case chatroom.UserDropped:
		return e.Name + " is dropped: " + e.Why
	}
	return e.Name + " says a line"
}
