// Command 05-callbacks runs an echo server and a chain of two fetches that
// you write in raw callbacks (exercise/pyramid.go), on the kit's loop and
// its callbacks front end.
//
//	go run ./tutorials/05-callbacks            # your echo server on 127.0.0.1:7005
//	go run ./tutorials/05-callbacks -demo      # echo clients, beer then fruit, a reset, the pyramid's size
//	go run ./tutorials/05-callbacks -trace     # every poll, and every callback the loop runs
//	go run ./tutorials/05-callbacks -ref       # the reference solution
//	go test ./tutorials/05-callbacks           # check your pyramid.go
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/calltrace"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "05-callbacks:", err)
		os.Exit(1)
	}
}

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) (err error) {
	defer todo.Recover(&err)
	flags := flag.NewFlagSet("05-callbacks", flag.ContinueOnError)
	flags.SetOutput(out)
	addr := flags.String("addr", "127.0.0.1:7005", "the address to listen on (port 0 picks a free one)")
	ref := flags.Bool("ref", false, "run the reference solution instead of your exercise")
	demoMode := flags.Bool("demo", false, "run the built-in clients, print what they saw, and exit")
	trace := flags.Bool("trace", false, "print every poll and every callback the loop runs")
	clients := flags.Int("clients", 10, "-demo: how many echo clients connect at once")
	if err := flags.Parse(args); err != nil {
		return err
	}
	name := "exercise"
	if *ref {
		name = "solution"
	}
	p := impls[name]

	// A callback's panic (a TODO of the skeleton) reaches the loop's error
	// handler, which says which function is not written yet.
	report := func(err error) { fmt.Fprintln(out, "loop:", todo.Reported(err)) }
	opts := []loop.Option{loop.WithErrorHandler(report)}
	if *trace {
		opts = append(opts, loop.WithObserver(calltrace.New(out)))
	}
	l, err := loop.New(opts...)
	if err != nil {
		return err
	}
	defer l.Close()
	srv, err := examples.ServeCallbacks(l, *addr, false, func(c *callbacks.Conn) func(error) {
		p.Echo(c)
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w\n  is step 05 still running in another terminal? or use -addr 127.0.0.1:0", err)
	}
	if *demoMode {
		return runDemo(out, l, srv, p, name, *clients)
	}
	fmt.Fprintf(out, "listening on %s, the echo server of %s/pyramid.go. Ctrl-C stops.\n"+
		"  try: go run ./tutorials/05-callbacks -demo -addr 127.0.0.1:0  (or nc %s, if you have it)\n",
		srv.Addr(), name, strings.Replace(srv.Addr(), ":", " ", 1))
	go func() {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, os.Interrupt)
		<-signals
		signal.Stop(signals)
		l.CallSoonThreadSafe(srv.Close) // nothing left to wait for: Run returns
	}()
	return l.Run()
}
