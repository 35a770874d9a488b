// Command 04-loop runs an echo server on an event loop you finish
// (exercise/runonce.go): the seed's event_loop() in Go, built on the kit's
// waiters.Set, timers.Heap and a loop.Poller.
//
//	go run ./tutorials/04-loop               # the echo server on 127.0.0.1:7004
//	go run ./tutorials/04-loop -demo         # echo clients, then an idle loop with a timer
//	go run ./tutorials/04-loop -trace        # one line per iteration: timeout, ready fds, queue
//	go run ./tutorials/04-loop -step         # one iteration per Enter
//	go run ./tutorials/04-loop -ref          # the reference loop
//	go test ./tutorials/04-loop              # looptest.TestLoop on your loop
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
	"github.com/loopkit/loopkit/tutorials/internal/demo"
	"github.com/loopkit/loopkit/tutorials/internal/loopecho"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "04-loop:", err)
		os.Exit(1)
	}
}

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) (err error) {
	defer todo.Recover(&err)
	flags := flag.NewFlagSet("04-loop", flag.ContinueOnError)
	flags.SetOutput(out)
	addr := flags.String("addr", "127.0.0.1:7004", "the address to listen on (port 0 picks a free one)")
	ref := flags.Bool("ref", false, "run the reference solution instead of your exercise")
	demoMode := flags.Bool("demo", false, "run the built-in clients, print what they saw, and exit")
	trace := flags.Bool("trace", false, "print one line per iteration of the loop")
	step := flags.Bool("step", false, "run one iteration each time Enter is pressed (implies -trace)")
	clients := flags.Int("clients", 20, "-demo: how many echo clients connect at once")
	idle := flags.Duration("idle", time.Second, "-demo: how long to watch the loop idle, with a timer every 100ms")
	if err := flags.Parse(args); err != nil {
		return err
	}
	name := "exercise"
	if *ref {
		name = "solution"
	}
	backend := os.Getenv("LOOPKIT_BACKEND")
	if backend == "" {
		backend = loop.Backends()[0]
	}
	p, err := loop.NewPoller(backend)
	if err != nil {
		return err
	}
	cp := &countingPoller{Poller: p}
	report := func(err error) { fmt.Fprintln(out, "loop:", err) }
	l, err := impls[name](cp, timers.Real{}, report)
	if err != nil {
		p.Close()
		return err
	}
	defer l.Close()
	if *trace || *step {
		l.SetTrace(out)
	}
	srv, err := loopecho.Listen(l, *addr, report)
	if err != nil {
		return fmt.Errorf("%w\n  is step 04 still running in another terminal? or use -addr 127.0.0.1:0", err)
	}
	if *demoMode {
		return runDemo(out, l, srv, cp, *clients, *idle)
	}
	return serve(out, l, srv, name, *step)
}

// serve runs the echo server until Ctrl-C, with a timer every second so
// that the trace shows the heap at work too.
func serve(out io.Writer, l Loop, srv *loopecho.Server, name string, step bool) error {
	fmt.Fprintf(out, "listening on %s, the echo server on the %s's loop. Ctrl-C stops.\n"+
		"  try: go run ./tutorials/04-loop -demo -addr 127.0.0.1:0  (or nc %s, if you have it)\n",
		srv.Addr(), name, srv.Addr())
	stopped := false
	var tick func()
	tick = func() {
		if !stopped {
			l.CallLater(time.Second, tick)
		}
	}
	l.CallLater(time.Second, tick)
	go func() {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, os.Interrupt)
		<-signals
		signal.Stop(signals)
		l.CallSoonThreadSafe(func() { stopped = true; srv.Close() })
	}()
	if !step {
		return l.Run()
	}
	fmt.Fprintln(out, "Enter runs one iteration; q then Enter quits.")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() && in.Text() != "q" {
		if err := l.RunOnce(); err != nil {
			return err
		}
	}
	return nil
}

// runDemo runs echo clients against the loop, then lets it idle with one
// timer re-armed every 100ms, and counts the polls of each phase.
func runDemo(out io.Writer, l Loop, srv *loopecho.Server, cp *countingPoller, clients int, idle time.Duration) error {
	const size = 64 << 10
	var took time.Duration
	var clientErr error
	var echoPolls, idlePolls, ticks int
	go func() {
		took, clientErr = demo.EchoLoad(srv.Addr().String(), clients, size, 30*time.Second)
		l.CallSoonThreadSafe(func() {
			srv.Close()
			echoPolls = cp.waits
			end := time.Now().Add(idle)
			var tick func()
			tick = func() {
				ticks++
				if time.Now().Before(end) {
					l.CallLater(100*time.Millisecond, tick)
				} else {
					idlePolls = cp.waits - echoPolls
				}
			}
			l.CallLater(100*time.Millisecond, tick)
		})
	}()
	if err := l.Run(); err != nil { // returns when nothing is left: no server, no timer
		return err
	}
	if clientErr != nil {
		return clientErr
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "phase\tWait calls\t\n")
	fmt.Fprintf(tw, "%d echo clients, %d KiB each, in %v\t%d\t\n", clients, size>>10, took.Round(time.Millisecond), echoPolls)
	fmt.Fprintf(tw, "idle %v, a timer every 100ms (%d ticks)\t%d\t\n", idle, ticks, idlePolls)
	tw.Flush()
	fmt.Fprintln(out, "\nWhile idle the loop sleeps in Wait until the next deadline: about one Wait per tick.\n"+
		"A loop that polls with timeout 0 while a timer is pending would show thousands here.")
	return nil
}

// A countingPoller counts the Waits of the loop above it. Loop goroutine
// only, like any poller.
type countingPoller struct {
	loop.Poller
	waits int
}

func (p *countingPoller) Wait(timeout time.Duration, ready []loop.Event) (int, error) {
	p.waits++
	return p.Poller.Wait(timeout, ready)
}
