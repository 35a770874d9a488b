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
	"fmt"
	"io"
	"time"

	"github.com/loopkit/loopkit/tutorials/internal/demo"
	"github.com/loopkit/loopkit/tutorials/internal/listener"
	"github.com/loopkit/loopkit/tutorials/internal/step"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process.
func run(args []string, out io.Writer) error {
	p := step.New("01-blocking", "127.0.0.1:7001")
	clients := p.Int("clients", 3, "-demo: how many clients connect at once")
	hold := p.Duration("hold", time.Second, "-demo: how long each client keeps its connection open")
	return p.Run(args, out, func(r step.Run) error {
		ln, err := listener.Listen(r.Addr)
		if err != nil {
			return r.ListenError(err)
		}
		report := func(err error) { fmt.Fprintln(out, "echo:", err) }
		served := make(chan error, 1)
		go func() {
			served <- todo.Call(func() error { return serve(ln, impls[r.Impl], report) })
		}()
		if r.Demo {
			err = runDemo(out, ln.Addr().String(), *clients, *hold)
		} else {
			r.Listening(ln.Addr(), "with the "+r.Impl+"'s Echo, one client at a time")
			fmt.Fprintf(out, "  or talk to it: %s\n", step.Join(ln.Addr()))
			step.WaitInterrupt()
		}
		ln.Close()
		return errors.Join(err, <-served)
	})
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
