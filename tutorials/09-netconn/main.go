// Command 09-netconn serves HTTP with Go's own net/http, unchanged, on the
// hand-written loop: the listener and the connections are the kit loop's
// sockets made a net.Listener and net.Conns by code you finish
// (exercise/socket.go). It is the Go counterpart of gevent's
// monkey-patching.
//
//	go run ./tutorials/09-netconn            # net/http on 127.0.0.1:7009: try curl
//	go run ./tutorials/09-netconn -demo      # bufio.Scanner and net/http, with built-in clients
//	go run ./tutorials/09-netconn -trace     # every poll, and every callback the loop runs
//	go run ./tutorials/09-netconn -ref       # the reference solution
//	go test ./tutorials/09-netconn           # check your net.Conn
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"runtime"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/calltrace"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "09-netconn:", err)
		os.Exit(1)
	}
}

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run; net/http runs in goroutines of its own.
func run(args []string, out io.Writer) (err error) {
	defer todo.Recover(&err)
	flags := flag.NewFlagSet("09-netconn", flag.ContinueOnError)
	flags.SetOutput(out)
	addr := flags.String("addr", "127.0.0.1:7009", "the address to listen on (port 0 picks a free one)")
	ref := flags.Bool("ref", false, "run the reference solution instead of your exercise")
	demoMode := flags.Bool("demo", false, "run the built-in clients, print what they saw, and exit")
	trace := flags.Bool("trace", false, "print every poll and every callback the loop runs")
	requests := flags.Int("requests", 50, "-demo: how many HTTP requests, 10 at a time")
	if err := flags.Parse(args); err != nil {
		return err
	}
	name := "exercise"
	if *ref {
		name = "solution"
	}
	listen := impls[name]

	// A loop callback's panic (a TODO of the skeleton) reaches the loop's
	// error handler, which says which function is not written yet.
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
	if *demoMode {
		return runDemo(out, l, listen, *addr, *requests)
	}
	ln, err := listen(l, *addr)
	if err != nil {
		return fmt.Errorf("%w\n  is step 09 still running in another terminal? or use -addr 127.0.0.1:0", err)
	}
	srv := &http.Server{Handler: hello(name)}
	go srv.Serve(ln) // returns when srv is closed
	fmt.Fprintf(out, "net/http serving on %s, on the %s's net.Conn and the kit's loop. Ctrl-C stops.\n"+
		"  try: curl http://%s/  (or go run ./tutorials/09-netconn -demo -addr 127.0.0.1:0)\n", ln.Addr(), name, ln.Addr())
	go func() {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, os.Interrupt)
		<-signals
		signal.Stop(signals)
		srv.Close() // closes the listener and every connection: the loop is let go, Run returns
	}()
	return l.Run()
}

// hello is the step's web page: a greeting, and how many goroutines the
// process runs while it serves it.
func hello(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			io.Copy(w, r.Body)
			return
		}
		fmt.Fprintf(w, "hello from net/http, unchanged, on the hand-written loop (the %s's net.Conn); %d goroutines\n",
			name, runtime.NumGoroutine())
	})
}

// errServeEnded is what the demo says if http.Serve ended by itself.
var errServeEnded = errors.New("http.Serve returned before the demo closed it")
