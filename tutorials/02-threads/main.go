// Command 02-threads is step 01's echo server with one change: each
// connection is served on a goroutine of its own (exercise/server.go), so
// no client waits for another. Echo itself is step 01's reference.
//
//	go run ./tutorials/02-threads            # your Serve, on 127.0.0.1:7002
//	go run ./tutorials/02-threads -demo      # who waits now? and what do 500 idle clients cost?
//	go run ./tutorials/02-threads -ref       # the reference Serve
//	go test ./tutorials/02-threads           # check your Serve
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	blocking "github.com/loopkit/loopkit/tutorials/01-blocking/solution"
	"github.com/loopkit/loopkit/tutorials/internal/listener"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "02-threads:", err)
		os.Exit(1)
	}
}

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process.
func run(args []string, out io.Writer) error {
	flags := flag.NewFlagSet("02-threads", flag.ContinueOnError)
	flags.SetOutput(out)
	addr := flags.String("addr", "127.0.0.1:7002", "the address to listen on (port 0 picks a free one)")
	ref := flags.Bool("ref", false, "run the reference solution instead of your exercise")
	demoMode := flags.Bool("demo", false, "run the built-in clients, print what they saw, and exit")
	idle := flags.Int("clients", 500, "-demo: how many idle clients to measure")
	hold := flags.Duration("hold", time.Second, "-demo: how long each of the first three clients stays")
	if err := flags.Parse(args); err != nil {
		return err
	}
	name := "exercise"
	if *ref {
		name = "solution"
	}
	serve := impls[name]

	ln, err := listener.Listen(*addr)
	if err != nil {
		return fmt.Errorf("%w\n  is step 02 still running in another terminal? or use -addr 127.0.0.1:0", err)
	}
	report := func(err error) { fmt.Fprintln(out, "echo:", err) }
	served := make(chan error, 1)
	go func() {
		served <- todo.Call(func() error { return serve(ln, blocking.Echo, report) })
	}()
	if *demoMode {
		err = runDemo(out, ln.Addr().String(), *hold, *idle)
	} else {
		fmt.Fprintf(out, "listening on %s with the %s's Serve, a goroutine per client. Ctrl-C stops.\n"+
			"  try: go run ./tutorials/02-threads -demo -addr 127.0.0.1:0  (or nc %s, if you have it)\n",
			ln.Addr(), name, ln.Addr())
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, os.Interrupt)
		<-stop
		signal.Stop(stop)
	}
	ln.Close()
	return errors.Join(err, <-served)
}
