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
	"fmt"
	"io"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/tutorials/internal/loopserver"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) error {
	p := step.New("05-callbacks", "127.0.0.1:7005")
	p.AddTrace("print every poll and every callback the loop runs")
	clients := p.Int("clients", 10, "-demo: how many echo clients connect at once")
	return p.Run(args, out, func(r step.Run) error {
		l, err := r.NewLoop()
		if err != nil {
			return err
		}
		defer l.Close()
		prog := impls[r.Impl]
		srv, err := loopserver.ServeCallbacks(l, r.Addr, false, func(c *callbacks.Conn) func(error) {
			prog.Echo(c)
			return nil
		})
		if err != nil {
			return r.ListenError(err)
		}
		if r.Demo {
			return runDemo(out, l, srv, prog, r.Impl, *clients)
		}
		r.Listening(srv.Addr(), "the echo server of "+r.Impl+"/pyramid.go")
		fmt.Fprintf(out, "  or talk to it: %s\n", step.Join(srv.Addr()))
		step.OnInterrupt(func() { l.CallSoonThreadSafe(srv.Close) }) // nothing left to wait for: Run returns
		return l.Run()
	})
}
