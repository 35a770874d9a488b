// Command 11-busy-cpu runs a line server on the kit's loop that computes
// fib(n) the slow way, in one of three modes (exercise/compute.go): all at
// once on the loop, in slices on the loop, or on a worker goroutine.
//
//	go run ./tutorials/11-busy-cpu                  # the server on 127.0.0.1:7011, in slices
//	go run ./tutorials/11-busy-cpu -mode worker     # ... on a worker
//	go run ./tutorials/11-busy-cpu -demo            # the three modes side by side
//	go run ./tutorials/11-busy-cpu -ref             # the reference server
//	go test ./tutorials/11-busy-cpu                 # TestTimersFireDuringWork, TestWakeFromWorker
package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/demo"
	"github.com/loopkit/loopkit/tutorials/internal/detector"
	"github.com/loopkit/loopkit/tutorials/internal/lineserver"
	"github.com/loopkit/loopkit/tutorials/internal/step"
	"github.com/loopkit/loopkit/tutorials/internal/work"
)

func main() { step.Main(run) }

// modeFlags are the names -mode takes.
var modeFlags = map[string]int{"all": allAtOnce, "slices": inSlices, "worker": onWorker}

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) error {
	p := step.New("11-busy-cpu", "127.0.0.1:7011")
	modeFlag := p.String("mode", "slices", "how the server runs its work: all, slices or worker")
	n := p.Int("n", 37, "-demo: client A asks for fib(n)")
	return p.Run(args, out, func(r step.Run) error {
		if r.Demo {
			return runDemo(out, impls[r.Impl], r, *n)
		}
		mode, ok := modeFlags[*modeFlag]
		if !ok {
			return fmt.Errorf("-mode %q: want all, slices or worker", *modeFlag)
		}
		return serve(impls[r.Impl], r, mode)
	})
}

// serve runs the server until Ctrl-C, printing what the loop reports.
func serve(newHandler newHandlerFunc, r step.Run, mode int) error {
	l, err := loop.New(loop.WithErrorHandler(func(err error) { fmt.Fprintln(r.Out, detector.Describe(err)) }),
		loop.WithWatchdog(100*time.Millisecond))
	if err != nil {
		return err
	}
	defer l.Close()
	srv, err := lineserver.Serve(l, r.Addr, newHandler(l, mode, work.Parse))
	if err != nil {
		return r.ListenError(err)
	}
	r.Listening(srv.Addr(), fmt.Sprintf("the %s's server, computing %s", r.Impl, modeName(mode)))
	fmt.Fprintf(r.Out, "  or, in two terminals, %s: type fib 38 in one, anything in the other\n", step.Join(srv.Addr()))
	step.OnInterrupt(func() { l.CallSoonThreadSafe(srv.Close) })
	return l.Run()
}

// A modeRun is what the demo saw of one mode.
type modeRun struct {
	mode      int
	answer    string
	took      time.Duration // client A's wait for fib(n)
	longest   time.Duration // the longest run phase of one iteration: the loop not polling
	timerLate time.Duration // the latest a 10ms timer fired after its deadline
	pings     demo.PingStats
	reports   []string // what the loop reported
	err       error
}

// runDemo runs the server in each mode, on a loop of its own, with the
// same clients: B pings every 10ms, A asks for fib(n), and a timer is due
// every 10ms. It prints one row per mode.
func runDemo(out io.Writer, newHandler newHandlerFunc, r step.Run, n int) error {
	fmt.Fprintf(out, "In each mode: client B sends \"ping\" every 10ms, a timer is due every 10ms, and client A\n"+
		"asks for fib(%d), computed the slow way.\n\n", n)
	var runs []modeRun
	for _, mode := range []int{allAtOnce, inSlices, onWorker} {
		row := runMode(newHandler, r, mode, n)
		if row.err != nil {
			return fmt.Errorf("%s: %w", modeName(mode), row.err)
		}
		runs = append(runs, row)
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "mode\tA's answer after\tlongest iteration\ttimer late by (max)\tB's longest round trip\t\n")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%v\t%v\t%v\t%v\t\n", modeName(r.mode), demo.Round(r.took), demo.Round(r.longest),
			demo.Round(r.timerLate), demo.Round(r.pings.Longest))
	}
	tw.Flush()
	fmt.Fprintf(out, "\nA got %q each time. Only the loop's iterations, its timers and client B changed.\n", strings.TrimSpace(runs[0].answer))
	for _, r := range runs {
		for _, rep := range r.reports {
			fmt.Fprintf(out, "\n%s: the loop reported\n  %s\n", modeName(r.mode), strings.ReplaceAll(rep, "\n", "\n  "))
		}
	}
	return nil
}

// runMode runs the demo's clients against the server in one mode.
func runMode(newHandler newHandlerFunc, st step.Run, mode, n int) modeRun {
	r := modeRun{mode: mode}
	iterations := &iterationTimer{}
	var mu sync.Mutex
	l, err := loop.New(loop.WithObserver(iterations), loop.WithErrorHandler(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		r.reports = append(r.reports, detector.Describe(err))
	}))
	if err != nil {
		r.err = err
		return r
	}
	defer l.Close()
	srv, err := lineserver.Serve(l, st.Addr, newHandler(l, mode, work.Parse))
	if err != nil {
		r.err = st.ListenError(err)
		return r
	}
	ticks := startTicks(l, 10*time.Millisecond)
	go func() {
		r.answer, r.took, r.pings, r.err = runClients(srv.Addr(), n)
		l.CallSoonThreadSafe(func() {
			ticks.stop()
			srv.Close()
		})
	}()
	if err := l.Run(); err != nil { // returns once the server and the ticks have stopped
		r.err = err
	}
	r.longest, r.timerLate = iterations.longest, ticks.late
	mu.Lock()
	defer mu.Unlock()
	return r
}

// runClients runs client B, pinging, and client A's one request.
func runClients(addr string, n int) (answer string, took time.Duration, pings demo.PingStats, err error) {
	const bound = time.Minute
	b, err := demo.StartPinger(addr, "ping\n", 10*time.Millisecond, bound)
	if err != nil {
		return "", 0, pings, err
	}
	time.Sleep(50 * time.Millisecond)
	answer, took, err = demo.Ask(addr, fmt.Sprintf("fib %d\n", n), bound)
	time.Sleep(50 * time.Millisecond)
	pings, pingErr := b.Stop()
	if err == nil {
		err = pingErr
	}
	return answer, took, pings, err
}

// An iterationTimer is a loop observer that keeps the longest run phase:
// from the return of one poll to the start of the next, the time the loop
// spent running callbacks rather than watching its fds and timers. Loop
// goroutine only; read it after Run has returned.
type iterationTimer struct {
	loop.NopObserver
	polled  time.Time
	longest time.Duration
}

func (o *iterationTimer) PollReturned([]loop.Event) { o.polled = time.Now() }

func (o *iterationTimer) PollStarted(time.Duration) {
	if !o.polled.IsZero() {
		o.longest = max(o.longest, time.Since(o.polled))
	}
}

// ticks is a timer due every interval on the loop, that notes how late it
// runs. Loop goroutine only; read late after Run has returned.
type ticks struct {
	timer   func()
	stopped bool
	late    time.Duration
}

func startTicks(l *loop.Loop, interval time.Duration) *ticks {
	t := &ticks{}
	var due time.Time
	t.timer = func() {
		t.late = max(t.late, time.Since(due))
		if !t.stopped {
			due = time.Now().Add(interval)
			l.CallLater(interval, t.timer)
		}
	}
	due = time.Now().Add(interval)
	l.CallLater(interval, t.timer)
	return t
}

// stop lets the pending tick be the last.
func (t *ticks) stop() { t.stopped = true }
