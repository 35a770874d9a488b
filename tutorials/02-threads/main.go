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
	"fmt"
	"io"
	"time"

	blocking "github.com/loopkit/loopkit/tutorials/01-blocking/solution"
	"github.com/loopkit/loopkit/tutorials/internal/listener"
	"github.com/loopkit/loopkit/tutorials/internal/step"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process.
func run(args []string, out io.Writer) error {
	p := step.New("02-threads", "127.0.0.1:7002")
	idle := p.Int("clients", 500, "-demo: how many idle clients to measure")
	hold := p.Duration("hold", time.Second, "-demo: how long each of the first three clients stays")
	return p.Run(args, out, func(r step.Run) error {
		ln, err := listener.Listen(r.Addr)
		if err != nil {
			return r.ListenError(err)
		}
		report := func(err error) { fmt.Fprintln(out, "echo:", err) }
		served := make(chan error, 1)
		go func() {
			served <- todo.Call(func() error { return impls[r.Impl](ln, blocking.Echo, report) })
		}()
		if r.Demo {
			err = runDemo(out, ln.Addr().String(), *hold, *idle)
		} else {
			r.Listening(ln.Addr(), "with the "+r.Impl+"'s Serve, a goroutine per client")
			fmt.Fprintf(out, "  or talk to it: %s\n", step.Join(ln.Addr()))
			step.WaitInterrupt()
		}
		ln.Close()
		return errors.Join(err, <-served)
	})
}
