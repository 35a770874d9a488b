// Command 06-protocol runs the talk's chat server, each connection a line
// protocol object you finish (exercise/lineproto.go), on the kit's loop
// and its protocol front end (package callbacks/protocol).
//
//	go run ./tutorials/06-protocol            # the chat on 127.0.0.1:7006
//	go run ./tutorials/06-protocol -demo      # lines split anywhere; a peer that stops reading
//	go run ./tutorials/06-protocol -trace     # every poll, and every callback the loop runs
//	go run ./tutorials/06-protocol -ref       # the reference solution
//	go test ./tutorials/06-protocol           # check your LineProtocol
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/calltrace"
	"github.com/loopkit/loopkit/tutorials/internal/linechat"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "06-protocol:", err)
		os.Exit(1)
	}
}

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) (err error) {
	defer todo.Recover(&err)
	flags := flag.NewFlagSet("06-protocol", flag.ContinueOnError)
	flags.SetOutput(out)
	addr := flags.String("addr", "127.0.0.1:7006", "the address to listen on (port 0 picks a free one)")
	ref := flags.Bool("ref", false, "run the reference solution instead of your exercise")
	demoMode := flags.Bool("demo", false, "run the built-in clients, print what they saw, and exit")
	trace := flags.Bool("trace", false, "print every poll and every callback the loop runs")
	if err := flags.Parse(args); err != nil {
		return err
	}
	name := "exercise"
	if *ref {
		name = "solution"
	}
	newProtocol := impls[name]

	// A method's panic (a TODO of the skeleton) reaches the loop's error
	// handler, which says which method is not written yet.
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
	limits := chatroom.DefaultLimits
	chat := linechat.NewChat(limits)
	srv, err := protocol.Serve(l, *addr, func() protocol.Protocol {
		return newProtocol(chat, limits.MaxLine, limits.MaxQueued)
	})
	if err != nil {
		return fmt.Errorf("%w\n  is step 06 still running in another terminal? or use -addr 127.0.0.1:0", err)
	}
	if *demoMode {
		return runDemo(out, l, srv, newProtocol)
	}
	fmt.Fprintf(out, "listening on %s, the chat on the %s's LineProtocol. Ctrl-C stops.\n"+
		"  try: go run ./tutorials/06-protocol -demo -addr 127.0.0.1:0  (or nc %s %d, if you have it)\n",
		srv.Addr(), name, srv.Addr().Addr(), srv.Addr().Port())
	go func() {
		signals := make(chan os.Signal, 1)
		signal.Notify(signals, os.Interrupt)
		<-signals
		signal.Stop(signals)
		l.CallSoonThreadSafe(srv.Abort) // nothing left to wait for: Run returns
	}()
	return l.Run()
}
