// Command 08-toolkit runs the gevent talk's two programs, which you finish
// with the kit's coroutines and gevent's toolkit (exercise/): the chat
// server (a queue per user, a reader and a writer coroutine each), and
// "100 URLs through Pool(20)", each within a Timeout.
//
//	go run ./tutorials/08-toolkit            # the chat on 127.0.0.1:7008
//	go run ./tutorials/08-toolkit -demo      # three users chat; 100 URLs through pools; a timeout
//	go run ./tutorials/08-toolkit -trace     # every poll, callback and coroutine hand-off
//	go run ./tutorials/08-toolkit -ref       # the reference solution
//	go test ./tutorials/08-toolkit           # check your chat and fetch
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/signal"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/calltrace"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "08-toolkit:", err)
		os.Exit(1)
	}
}

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) (err error) {
	defer todo.Recover(&err)
	flags := flag.NewFlagSet("08-toolkit", flag.ContinueOnError)
	flags.SetOutput(out)
	addr := flags.String("addr", "127.0.0.1:7008", "the address to listen on (port 0 picks a free one)")
	ref := flags.Bool("ref", false, "run the reference solution instead of your exercise")
	demoMode := flags.Bool("demo", false, "run the built-in clients, print what they saw, and exit")
	trace := flags.Bool("trace", false, "print every poll, callback and coroutine hand-off")
	if err := flags.Parse(args); err != nil {
		return err
	}
	name := "exercise"
	if *ref {
		name = "solution"
	}
	p := impls[name]

	// A coroutine's panic (a TODO of the skeleton) reaches the loop's
	// error handler, which says which function is not written yet.
	report := func(err error) { fmt.Fprintln(out, "loop:", todo.Reported(err)) }
	opts := []loop.Option{loop.WithErrorHandler(report)}
	tracer := calltrace.New(out)
	if *trace {
		opts = append(opts, loop.WithObserver(tracer))
	}
	l, err := loop.New(opts...)
	if err != nil {
		return err
	}
	defer l.Close()
	hub := coroutines.NewHub(l)
	defer hub.Close()
	if *trace {
		hub.SetObserver(tracer)
	}
	c := p.NewChat(chatroom.DefaultLimits)
	srv, err := coroutines.NewStreamServer(hub, *addr, func(ctx context.Context, conn *coroutines.Conn) error {
		c.Handle(ctx, conn)
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w\n  is step 08 still running in another terminal? or use -addr 127.0.0.1:0", err)
	}
	srv.Start().SetName("acceptor")
	if !srv.Addr().Addr().IsLoopback() {
		fmt.Fprintf(out, "warning: %s can be reached from other machines, and the chat has no password: "+
			"use it on a network you trust, for as long as the session lasts\n", srv.Addr())
	}
	if *demoMode {
		return runDemo(out, hub, srv, p)
	}
	fmt.Fprintf(out, "listening on %s, the talk's chat on the %s. Ctrl-C stops.\n"+
		"  To join: nc %s %d (or telnet), from two terminals; or go run ./tutorials/08-toolkit -demo\n",
		srv.Addr(), name, displayAddr(srv.Addr()), srv.Addr().Port())
	go func() {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, os.Interrupt)
		<-signals
		signal.Stop(signals)
		l.CallSoonThreadSafe(func() { srv.Close() }) // every handler killed: Run returns
	}()
	return hub.Run()
}

// displayAddr is the address to give nc: 127.0.0.1 for a server on every
// address.
func displayAddr(ap netip.AddrPort) netip.Addr {
	if ap.Addr().IsUnspecified() {
		return netip.MustParseAddr("127.0.0.1")
	}
	return ap.Addr()
}
