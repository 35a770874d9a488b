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
	srv, err := startExample(cfg, program, style, r, stop)
	if err != nil {
		return r.ListenError(err)
	}
	r.Listening(srv.Addr(), fmt.Sprintf("the kit's %s (%s) on the %s's poller", program, style, r.Impl))
	fmt.Fprintf(r.Out, "  or talk to it: %s\n", step.Join(srv.Addr()))
	<-stop
	return srv.Close()
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
