// Command 01-blocking is an echo server in the oldest style: one thread,
// blocking calls. It accepts a connection, echoes it until the client
// leaves, and only then accepts the next. You write the echo itself
// (exercise/echo.go); the accept loop is in server.go.
//
//	go run ./tutorials/01-blocking            # your Echo, on 127.0.0.1:7001
//	go run ./tutorials/01-blocking -demo      # three clients at once: who waits?
//	go run ./tutorials/01-blocking -ref       # the reference Echo
//	go test ./tutorials/01-blocking           # check your Echo
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/loopkit/loopkit/tutorials/internal/demo"
	"github.com/loopkit/loopkit/tutorials/internal/listener"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "01-blocking:", err)
		os.Exit(1)
	}
}

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process.
func run(args []string, out io.Writer) error {
	flags := flag.NewFlagSet("01-blocking", flag.ContinueOnError)
	flags.SetOutput(out)
	addr := flags.String("addr", "127.0.0.1:7001", "the address to listen on (port 0 picks a free one)")
	ref := flags.Bool("ref", false, "run the reference solution instead of your exercise")
	demoMode := flags.Bool("demo", false, "run the built-in clients, print what they saw, and exit")
	clients := flags.Int("clients", 3, "-demo: how many clients connect at once")
	hold := flags.Duration("hold", time.Second, "-demo: how long each client keeps its connection open")
	if err := flags.Parse(args); err != nil {
		return err
	}
	name := "exercise"
	if *ref {
		name = "solution"
	}
	echo := impls[name]

	ln, err := listener.Listen(*addr)
	if err != nil {
		return fmt.Errorf("%w\n  is step 01 still running in another terminal? or use -addr 127.0.0.1:0", err)
	}
	report := func(err error) { fmt.Fprintln(out, "echo:", err) }
	served := make(chan error, 1)
	go func() {
		served <- todo.Call(func() error { return serve(ln, echo, report) })
	}()
	if *demoMode {
		err = runDemo(out, ln.Addr().String(), *clients, *hold)
	} else {
		fmt.Fprintf(out, "listening on %s with the %s's Echo, one client at a time. Ctrl-C stops.\n"+
			"  try: go run ./tutorials/01-blocking -demo -addr 127.0.0.1:0  (or nc %s, if you have it)\n",
			ln.Addr(), name, ln.Addr())
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, os.Interrupt)
		<-stop
		signal.Stop(stop)
	}
	ln.Close()
	return errors.Join(err, <-served)
}

// runDemo starts the clients together and prints when each got its echo.
func runDemo(out io.Writer, addr string, clients int, hold time.Duration) error {
	fmt.Fprintf(out, "%d clients connect at once; each sends a line, waits for its echo, and stays %v.\n\n", clients, hold)
	timings := demo.HoldClients(addr, clients, hold, time.Duration(clients+5)*hold+5*time.Second)
	err := demo.PrintTimings(out, timings, hold)
	fmt.Fprintln(out, "\nOne goroutine, blocking calls: while Echo serves a client, nobody calls Accept,\n"+
		"so the next client waits, connected but unanswered, until the one before leaves.")
	return err
}
