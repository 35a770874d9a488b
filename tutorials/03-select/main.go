// Command 03-select runs the kit's event loop on a poller you write over
// select(2) (exercise/poller.go): one goroutine serves every echo client,
// and the only place it ever waits is your Wait.
//
//	go run ./tutorials/03-select               # the echo server on 127.0.0.1:7003
//	go run ./tutorials/03-select -demo         # 100 clients at once on your poller
//	go run ./tutorials/03-select -trace        # print every Register and Wait
//	go run ./tutorials/03-select -ref          # the reference poller
//	go run ./tutorials/03-select -serve chat   # the kit's chat on your poller (loopkit join 127.0.0.1:7003)
//	go run ./tutorials/03-select -serve chat -watch 127.0.0.1:7070  # and its loop live in a browser
//	go test ./tutorials/03-select              # looptest.TestPoller on your poller
//
// -serve runs the kit's own example programs (examples/echo, examples/chat)
// on your poller, the programs loopkit run serves on the kit's backends,
// once your poller passes looptest.TestPoller: a poller that fails it is
// refused with the suite's message, never left to hang. -pollcost measures
// a loop iteration on your poller with idle fds watched, as loopkit
// compare --yours does to draw your select beside the kit's backends.
package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/demo"
	"github.com/loopkit/loopkit/tutorials/internal/loopecho"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) error {
	p := step.New("03-select", "127.0.0.1:7003")
	p.AddTrace("print every Register and Wait the loop makes")
	clients := p.Int("clients", 100, "-demo: how many clients connect at once")
	size := p.Int("size", 64<<10, "-demo: how many bytes each client sends")
	p.AddServe("serve the kit's example program on your poller, once it passes looptest.TestPoller", "echo", "chat")
	p.AddWatch()
	style := p.String("style", "callbacks", "-serve: the example's style: "+strings.Join(loopStyles, ", "))
	pollCosts := p.String("pollcost", "", "print the cost of a loop iteration on your poller with these counts of idle fds watched, such as 1,10,100")
	return p.Run(args, out, func(r step.Run) error {
		switch {
		case *pollCosts != "":
			return measurePollCost(r, *pollCosts)
		case r.Serve != "":
			return serveExample(r, r.Serve, *style, interrupted())
		}
		poller, err := impls[r.Impl]()
		if err != nil {
			return err
		}
		tp := &tracePoller{Poller: poller}
		if r.Trace {
			tp.out = out
		}
		l, err := loop.New(loop.WithPoller(tp), loop.WithErrorHandler(r.Report))
		if err != nil {
			poller.Close()
			return err
		}
		defer l.Close()
		srv, err := loopecho.Listen(l, r.Addr, r.Report)
		if err != nil {
			return r.ListenError(err)
		}
		stop := func() { l.CallSoonThreadSafe(srv.Close) } // nothing left to wait for: Run returns
		if r.Demo {
			return runDemo(out, l, tp, srv.Addr().String(), stop, r.Impl, *clients, *size)
		}
		r.Listening(srv.Addr(), "the kit's loop on the "+r.Impl+"'s poller")
		fmt.Fprintf(out, "  or talk to it: %s\n", step.Join(srv.Addr()))
		step.OnInterrupt(stop)
		return l.Run()
	})
}

// runDemo has the clients connect at once, each send size bytes and read
// them back, while the loop runs on this goroutine; then it prints what
// the poller was asked.
func runDemo(out io.Writer, l *loop.Loop, tp *tracePoller, addr string, stop func(), impl string, clients, size int) error {
	fmt.Fprintf(out, "%d clients connect at once; each sends %d bytes and reads them back.\n\n", clients, size)
	var took time.Duration
	var clientErr error
	go func() {
		took, clientErr = demo.EchoLoad(addr, clients, size, 30*time.Second)
		stop()
	}()
	if err := l.Run(); err != nil {
		return err
	}
	if clientErr != nil {
		return clientErr
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "clients\tbytes echoed\ttook\tWait calls\tfds reported ready\t\n")
	fmt.Fprintf(tw, "%d\t%d\t%v\t%d\t%d\t\n", clients, clients*size, took.Round(time.Millisecond), tp.waits, tp.events)
	tw.Flush()
	fmt.Fprintf(out, "\nOne goroutine served them all. Each of those %d waits was one select(2) in %s/poller.go:\n"+
		"the loop asks your poller which fds are ready, and runs the callbacks waiting for them.\n", tp.waits, impl)
	return nil
}
