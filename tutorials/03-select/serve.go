package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/examples/chat"
	"github.com/loopkit/loopkit/examples/echo"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/step"
	"github.com/loopkit/loopkit/watch"
)

// loopStyles are the styles of the examples that run on a loop, and so on
// a poller: every style but goroutines, which runs on Go's net package.
var loopStyles = []string{"callbacks", "protocol", "coroutines"}

// serveExample serves the kit's example program (echo or chat) in style
// on your poller, until stop is closed: the very program loopkit run
// serves on the kit's backends, handed your poller through its loop's
// options (loop.WithPoller). Your poller must first pass
// looptest.TestPoller: a poller that fails it is refused with the suite's
// message, so that a mistake never shows as a server that hangs.
func serveExample(r step.Run, program, style string, stop <-chan struct{}) error {
	if !slices.Contains(loopStyles, style) {
		return fmt.Errorf("-style: %q has no loop to run on your poller (choose one of: %s)", style, strings.Join(loopStyles, ", "))
	}
	if err := r.Conform("TestPoller", "poller"); err != nil {
		return err
	}
	poller, err := impls[r.Impl]()
	if err != nil {
		return err
	}
	tp := &tracePoller{Poller: poller}
	if r.Trace {
		tp.out = r.Out
	}
	cfg := examples.Config{Addr: r.Addr, OnError: r.Report,
		Hooks: examples.Hooks{LoopOptions: []loop.Option{loop.WithPoller(tp)}}}
	var w *watch.Watcher
	if r.Watch != "" {
		if w, err = watchLoop(r.Watch, &cfg.Hooks); err != nil {
			return err
		}
	}
	srv, err := startExample(cfg, program, style, r, stop)
	if err != nil {
		if w != nil {
			w.Close()
		}
		return r.ListenError(err)
	}
	what := fmt.Sprintf("the kit's %s (%s) on the %s's poller", program, style, r.Impl)
	r.Listening(srv.Addr(), what)
	fmt.Fprintf(r.Out, "  or talk to it: %s\n", step.Join(srv.Addr()))
	if w != nil {
		w.SetTitle(what + ": join with " + step.Join(srv.Addr()))
		fmt.Fprintf(r.Out, "  watch the loop live: %s\n", w.URL())
	}
	<-stop
	if w != nil {
		w.Close() // first: a loop the page holds paused could not run the server's stop
	}
	return srv.Close()
}

// watchLoop serves the live page of package watch on addr (-watch), and
// has the example's loop, and its hub if it has one, report to it through
// the hooks, as loopkit watch does.
func watchLoop(addr string, hooks *examples.Hooks) (*watch.Watcher, error) {
	w, err := watch.Listen(addr)
	if err != nil {
		return nil, fmt.Errorf("-watch: %w", err)
	}
	hooks.LoopOptions = append(hooks.LoopOptions, loop.WithObserver(w))
	hooks.OnLoop, hooks.OnHub = w.Attach, w.AttachHub
	return w, nil
}

// startExample starts the example; the chat tells the terminal who joins,
// leaves or is dropped, and the messages per second, as loopkit run chat
// does.
func startExample(cfg examples.Config, program, style string, r step.Run, stop <-chan struct{}) (examples.Server, error) {
	if program == "echo" {
		start, err := echo.Styles.Lookup(style)
		if err != nil {
			return nil, err
		}
		return start(cfg)
	}
	start, err := chat.Styles.Lookup(style)
	if err != nil {
		return nil, err
	}
	console := chatroom.NewConsole(r.Out, time.Now)
	limits := chatroom.DefaultLimits
	limits.Events = console.Event
	srv, err := start(cfg, limits)
	if err == nil {
		go console.Run(stop)
	}
	return srv, err
}

// interrupted returns a channel closed at the first Ctrl-C (or SIGTERM).
func interrupted() <-chan struct{} {
	stop := make(chan struct{})
	step.OnInterrupt(func() { close(stop) })
	return stop
}
