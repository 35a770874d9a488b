// Command 03-select runs the kit's event loop on a poller you write over
// select(2) (exercise/poller.go): one goroutine serves every echo client,
// and the only place it ever waits is your Wait.
//
//	go run ./tutorials/03-select               # the echo server on 127.0.0.1:7003
//	go run ./tutorials/03-select -demo         # 100 clients at once on your poller
//	go run ./tutorials/03-select -trace        # print every Register and Wait
//	go run ./tutorials/03-select -ref          # the reference poller
//	go test ./tutorials/03-select              # looptest.TestPoller on your poller
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/demo"
	"github.com/loopkit/loopkit/tutorials/internal/loopecho"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "03-select:", err)
		os.Exit(1)
	}
}

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) (err error) {
	defer todo.Recover(&err)
	flags := flag.NewFlagSet("03-select", flag.ContinueOnError)
	flags.SetOutput(out)
	addr := flags.String("addr", "127.0.0.1:7003", "the address to listen on (port 0 picks a free one)")
	ref := flags.Bool("ref", false, "run the reference solution instead of your exercise")
	demoMode := flags.Bool("demo", false, "run the built-in clients, print what they saw, and exit")
	trace := flags.Bool("trace", false, "print every Register and Wait the loop makes")
	clients := flags.Int("clients", 100, "-demo: how many clients connect at once")
	size := flags.Int("size", 64<<10, "-demo: how many bytes each client sends")
	if err := flags.Parse(args); err != nil {
		return err
	}
	name := "exercise"
	if *ref {
		name = "solution"
	}
	p, err := impls[name]()
	if err != nil {
		return err
	}
	tp := &tracePoller{Poller: p}
	if *trace {
		tp.out = out
	}
	report := func(err error) { fmt.Fprintln(out, "loop:", err) }
	l, err := loop.New(loop.WithPoller(tp), loop.WithErrorHandler(report))
	if err != nil {
		p.Close()
		return err
	}
	defer l.Close()
	srv, err := loopecho.Listen(l, *addr, report)
	if err != nil {
		return fmt.Errorf("%w\n  is step 03 still running in another terminal? or use -addr 127.0.0.1:0", err)
	}
	stop := func() { l.CallSoonThreadSafe(srv.Close) } // nothing left to wait for: Run returns

	if !*demoMode {
		fmt.Fprintf(out, "listening on %s, the kit's loop on the %s's poller. Ctrl-C stops.\n"+
			"  try: go run ./tutorials/03-select -demo -addr 127.0.0.1:0  (or nc %s, if you have it)\n",
			srv.Addr(), name, srv.Addr())
		go func() {
			signals := make(chan os.Signal, 1)
			signal.Notify(signals, os.Interrupt)
			<-signals
			signal.Stop(signals)
			stop()
		}()
		return l.Run()
	}

	fmt.Fprintf(out, "%d clients connect at once; each sends %d bytes and reads them back.\n\n", *clients, *size)
	var took time.Duration
	var clientErr error
	go func() {
		took, clientErr = demo.EchoLoad(srv.Addr().String(), *clients, *size, 30*time.Second)
		stop()
	}()
	if err := l.Run(); err != nil {
		return err
	}
	if clientErr != nil {
		return clientErr
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "clients\tbytes echoed\ttook\tWait calls\tfds reported ready\t\n")
	fmt.Fprintf(tw, "%d\t%d\t%v\t%d\t%d\t\n", *clients, *clients**size, took.Round(time.Millisecond), tp.waits, tp.events)
	tw.Flush()
	fmt.Fprintf(out, "\nOne goroutine served them all. Each of those %d waits was one select(2) in %s/poller.go:\n"+
		"the loop asks your poller which fds are ready, and runs the callbacks waiting for them.\n", tp.waits, name)
	return nil
}
