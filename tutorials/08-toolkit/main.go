// Command 08-toolkit runs the gevent talk's two programs, which you finish
// with the kit's coroutines and gevent's toolkit (exercise/): the chat
// server (a queue per user, a reader and a writer coroutine each), and
// "100 URLs through Pool(20)", each within a Timeout.
//
//	go run ./tutorials/08-toolkit            # the chat on 127.0.0.1:7008, and the teacher's console
//	go run ./tutorials/08-toolkit -demo      # three users chat; 100 URLs through pools; a timeout
//	go run ./tutorials/08-toolkit -trace     # every poll, callback and coroutine hand-off
//	go run ./tutorials/08-toolkit -ref       # the reference solution
//	go test ./tutorials/08-toolkit           # check your chat and fetch
package main

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/calltrace"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) error {
	p := step.New("08-toolkit", "127.0.0.1:7008")
	p.AddTrace("print every poll, callback and coroutine hand-off")
	// Only the name has a time limit: a joined user may listen for an
	// hour without a word, as most of a room does.
	nameTimeout := p.Duration("name-timeout", chatroom.DefaultLimits.NameTimeout,
		"how long a connection may take to give its name (joined users have no idle limit)")
	return p.Run(args, out, func(r step.Run) error {
		opts := []loop.Option{loop.WithErrorHandler(r.Report)}
		tracer := calltrace.New(out)
		if r.Trace {
			opts = append(opts, loop.WithObserver(tracer))
		}
		l, err := loop.New(opts...)
		if err != nil {
			return err
		}
		defer l.Close()
		hub := coroutines.NewHub(l)
		defer hub.Close()
		if r.Trace {
			hub.SetObserver(tracer)
		}
		if *nameTimeout <= 0 {
			return fmt.Errorf("-name-timeout must be more than 0, not %v", *nameTimeout)
		}
		prog := impls[r.Impl]
		limits := chatroom.DefaultLimits
		limits.NameTimeout = *nameTimeout
		console := chatroom.NewConsole(out, time.Now)
		if !r.Demo {
			limits.Events = console.Event // the demo prints what its users saw instead
		}
		c := prog.NewChat(limits)
		srv, err := coroutines.NewStreamServer(hub, r.Addr, func(ctx context.Context, conn *coroutines.Conn) error {
			c.Handle(ctx, conn)
			return nil
		})
		if err != nil {
			return r.ListenError(err)
		}
		srv.Start().SetName("acceptor")
		if !srv.Addr().Addr().IsLoopback() {
			fmt.Fprintf(out, "warning: %s can be reached from other machines, and the chat has no password: "+
				"use it on a network you trust, and stop it when you are done\n", srv.Addr())
		}
		if r.Demo {
			return runDemo(out, hub, srv, prog)
		}
		r.Listening(srv.Addr(), "the talk's chat on the "+r.Impl)
		fmt.Fprintf(out, "  or join it, from two terminals: %s\n", step.Join(joinAddr(srv.Addr())))
		fmt.Fprintf(out, "Who joins, leaves or is dropped follows here, and every %v the messages per second.\n", chatroom.RateEvery)
		done := make(chan struct{})
		defer close(done)
		go console.Run(done)
		step.OnInterrupt(func() { l.CallSoonThreadSafe(func() { srv.Close() }) }) // every handler killed: Run returns
		return hub.Run()
	})
}

// joinAddr is the address to join: 127.0.0.1 for a server on every
// address.
func joinAddr(ap netip.AddrPort) netip.AddrPort {
	if ap.Addr().IsUnspecified() {
		return netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), ap.Port())
	}
	return ap
}
