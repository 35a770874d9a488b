// Command 07-coroutines runs an echo server, and the chain of fetches of
// step 05, written as straight-line code (straight.go) on a coroutine
// scheduler you finish (exercise/): the park/resume hand-off between the
// kit's loop and a goroutine that runs only while the loop waits for it.
//
//	go run ./tutorials/07-coroutines            # the echo server on 127.0.0.1:7007
//	go run ./tutorials/07-coroutines -demo      # echo clients, beer then fruit, three sleepers, the code's size
//	go run ./tutorials/07-coroutines -trace     # every poll and callback, and every switch loop <-> coroutine
//	go run ./tutorials/07-coroutines -ref       # the reference scheduler
//	go test ./tutorials/07-coroutines           # check your scheduler
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/calltrace"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "07-coroutines:", err)
		os.Exit(1)
	}
}

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) (err error) {
	defer todo.Recover(&err)
	flags := flag.NewFlagSet("07-coroutines", flag.ContinueOnError)
	flags.SetOutput(out)
	addr := flags.String("addr", "127.0.0.1:7007", "the address to listen on (port 0 picks a free one)")
	ref := flags.Bool("ref", false, "run the reference solution instead of your exercise")
	demoMode := flags.Bool("demo", false, "run the built-in clients, print what they saw, and exit")
	trace := flags.Bool("trace", false, "print every poll and callback, and every switch between the loop and a coroutine")
	clients := flags.Int("clients", 10, "-demo: how many echo clients connect at once")
	if err := flags.Parse(args); err != nil {
		return err
	}
	name := "exercise"
	if *ref {
		name = "solution"
	}

	// A panic in a loop callback (a TODO of the skeleton in resume)
	// reaches the loop's error handler, which says what is not written.
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
	hub := impls[name].NewHub(l)
	defer hub.Close()
	if *trace {
		hub.SetTrace(out)
	}
	ln, bound, err := sock.Listen(*addr)
	if err != nil {
		return fmt.Errorf("%w\n  is step 07 still running in another terminal? or use -addr 127.0.0.1:0", err)
	}
	closeListener := sync.OnceFunc(func() { unix.Close(ln) })
	defer closeListener()
	acceptor := serve(hub, ln)
	if *demoMode {
		return runDemo(out, l, hub, acceptor, closeListener, bound.String(), name, *clients)
	}
	fmt.Fprintf(out, "listening on %s, the echo server on the %s's coroutines. Ctrl-C stops.\n"+
		"  try: go run ./tutorials/07-coroutines -demo -addr 127.0.0.1:0  (or nc %s %d, if you have it)\n",
		bound, name, bound.Addr(), bound.Port())
	go func() {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, os.Interrupt)
		<-signals
		signal.Stop(signals)
		l.CallSoonThreadSafe(hub.KillAll) // every coroutine ends: Run returns
	}()
	return l.Run()
}
