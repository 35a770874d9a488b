// Command 04-loop runs an echo server on an event loop you finish
// (exercise/runonce.go): the seed's event_loop() in Go, built on the kit's
// waiters.Set, timers.Heap and a loop.Poller.
//
//	go run ./tutorials/04-loop               # the echo server on 127.0.0.1:7004
//	go run ./tutorials/04-loop -demo         # echo clients, then an idle loop with a timer
//	go run ./tutorials/04-loop -trace        # one line per iteration: timeout, ready fds, queue
//	go run ./tutorials/04-loop -step         # one iteration per Enter
//	go run ./tutorials/04-loop -ref          # the reference loop
//	go run ./tutorials/04-loop -serve chat   # the talk's chat on your loop (loopkit join 127.0.0.1:7004)
//	go test ./tutorials/04-loop              # looptest.TestLoop on your loop
//
// -serve echo and -serve chat run only once your loop passes
// looptest.TestLoop: a loop that fails it is refused with the suite's
// message, never left to hang. The chat is the one of step 06, on your
// loop's waiters (chat.go says why not the kit's own chat).
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
	"github.com/loopkit/loopkit/tutorials/internal/demo"
	"github.com/loopkit/loopkit/tutorials/internal/loopecho"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) error {
	p := step.New("04-loop", "127.0.0.1:7004")
	p.AddTrace("print one line per iteration of the loop")
	single := p.Bool("step", false, "run one iteration each time Enter is pressed (implies -trace)")
	clients := p.Int("clients", 20, "-demo: how many echo clients connect at once")
	idle := p.Duration("idle", time.Second, "-demo: how long to watch the loop idle, with a timer every 100ms")
	p.AddServe("serve a real program on your loop, once it passes looptest.TestLoop", "echo", "chat")
	return p.Run(args, out, func(r step.Run) error {
		if r.Serve != "" {
			if err := r.Conform("TestLoop", "loop"); err != nil {
				return err
			}
		}
		backend := os.Getenv("LOOPKIT_BACKEND")
		if backend == "" {
			backend = loop.Backends()[0]
		}
		poller, err := loop.NewPoller(backend)
		if err != nil {
			return err
		}
		cp := &countingPoller{Poller: poller}
		l, err := impls[r.Impl](cp, timers.Real{}, r.Report)
		if err != nil {
			poller.Close()
			return err
		}
		defer l.Close()
		if r.Trace || *single {
			l.SetTrace(out)
		}
		if r.Serve == "chat" {
			chat, err := listenChat(l, r.Addr, chatroom.DefaultLimits, r.Report)
			if err != nil {
				return r.ListenError(err)
			}
			r.Listening(chat.addr, "the talk's chat on the "+r.Impl+"'s loop")
			fmt.Fprintf(out, "  join it: %s\n", step.Join(chat.addr))
			return serve(out, l, chat, *single)
		}
		srv, err := loopecho.Listen(l, r.Addr, r.Report)
		if err != nil {
			return r.ListenError(err)
		}
		if r.Demo {
			return runDemo(out, l, srv, cp, *clients, *idle)
		}
		r.Listening(srv.Addr(), "the echo server on the "+r.Impl+"'s loop")
		fmt.Fprintf(out, "  or talk to it: %s\n", step.Join(srv.Addr()))
		return serve(out, l, srv, *single)
	})
}

// serve runs the server until Ctrl-C, with a timer every second so that
// the trace shows the heap at work too.
func serve(out io.Writer, l Loop, srv interface{ Close() }, single bool) error {
	stopped := false
	var tick func()
	tick = func() {
		if !stopped {
			l.CallLater(time.Second, tick)
		}
	}
	l.CallLater(time.Second, tick)
	step.OnInterrupt(func() { l.CallSoonThreadSafe(func() { stopped = true; srv.Close() }) })
	if !single {
		return l.Run()
	}
	fmt.Fprintln(out, "Enter runs one iteration; q then Enter quits.")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() && in.Text() != "q" {
		if err := l.RunOnce(); err != nil {
			return err
		}
	}
	return nil
}

// runDemo runs echo clients against the loop, then lets it idle with one
// timer re-armed every 100ms, and counts the polls of each phase.
func runDemo(out io.Writer, l Loop, srv *loopecho.Server, cp *countingPoller, clients int, idle time.Duration) error {
	const size = 64 << 10
	var took time.Duration
	var clientErr error
	var echoPolls, idlePolls, ticks int
	go func() {
		took, clientErr = demo.EchoLoad(srv.Addr().String(), clients, size, 30*time.Second)
		l.CallSoonThreadSafe(func() {
			srv.Close()
			echoPolls = cp.waits
			end := time.Now().Add(idle)
			var tick func()
			tick = func() {
				ticks++
				if time.Now().Before(end) {
					l.CallLater(100*time.Millisecond, tick)
				} else {
					idlePolls = cp.waits - echoPolls
				}
			}
			l.CallLater(100*time.Millisecond, tick)
		})
	}()
	if err := l.Run(); err != nil { // returns when nothing is left: no server, no timer
		return err
	}
	if clientErr != nil {
		return clientErr
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "phase\tWait calls\t\n")
	fmt.Fprintf(tw, "%d echo clients, %d KiB each, in %v\t%d\t\n", clients, size>>10, took.Round(time.Millisecond), echoPolls)
	fmt.Fprintf(tw, "idle %v, a timer every 100ms (%d ticks)\t%d\t\n", idle, ticks, idlePolls)
	tw.Flush()
	fmt.Fprintln(out, "\nWhile idle the loop sleeps in Wait until the next deadline: about one Wait per tick.\n"+
		"A loop that polls with timeout 0 while a timer is pending would show thousands here.")
	return nil
}

// A countingPoller counts the Waits of the loop above it. Loop goroutine
// only, like any poller.
type countingPoller struct {
	loop.Poller
	waits int
}

func (p *countingPoller) Wait(timeout time.Duration, ready []loop.Event) (int, error) {
	p.waits++
	return p.Poller.Wait(timeout, ready)
}
