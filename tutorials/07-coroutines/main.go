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
	"fmt"
	"io"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) error {
	p := step.New("07-coroutines", "127.0.0.1:7007")
	p.AddTrace("print every poll and callback, and every switch between the loop and a coroutine")
	clients := p.Int("clients", 10, "-demo: how many echo clients connect at once")
	return p.Run(args, out, func(r step.Run) error {
		l, err := r.NewLoop()
		if err != nil {
			return err
		}
		defer l.Close()
		hub := impls[r.Impl].NewHub(l)
		defer hub.Close()
		if r.Trace {
			hub.SetTrace(out)
		}
		ln, bound, err := sock.Listen(r.Addr)
		if err != nil {
			return r.ListenError(err)
		}
		closeListener := sync.OnceFunc(func() { unix.Close(ln) })
		defer closeListener()
		acceptor := serve(hub, ln)
		if r.Demo {
			return runDemo(out, l, hub, acceptor, closeListener, bound.String(), r.Impl, *clients)
		}
		r.Listening(bound, "the echo server on the "+r.Impl+"'s coroutines")
		fmt.Fprintf(out, "  or talk to it: %s\n", step.Join(bound))
		step.OnInterrupt(func() { l.CallSoonThreadSafe(hub.KillAll) }) // every coroutine ends: Run returns
		return l.Run()
	})
}
