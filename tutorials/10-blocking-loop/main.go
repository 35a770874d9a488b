// Command 10-blocking-loop runs a line server on the kit's loop whose
// /lookup command asks a slow directory (exercise/server.go). Asked on the
// loop goroutine, the directory stops the loop, and every other client
// waits; the loop's watchdog says which callback, and where.
//
//	go run ./tutorials/10-blocking-loop           # the server on 127.0.0.1:7010
//	go run ./tutorials/10-blocking-loop -demo     # client B's round trips while A's lookup runs
//	go run ./tutorials/10-blocking-loop -ref      # the reference server
//	go test ./tutorials/10-blocking-loop          # TestOthersServedWhileOneBlocks
package main

import (
	"fmt"
	"io"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/demo"
	"github.com/loopkit/loopkit/tutorials/internal/detector"
	"github.com/loopkit/loopkit/tutorials/internal/lineserver"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) error {
	p := step.New("10-blocking-loop", "127.0.0.1:7010")
	delay := p.Duration("delay", 300*time.Millisecond, "how long the directory takes to answer")
	watchdog := p.Duration("watchdog", 100*time.Millisecond, "the loop's watchdog reports a callback that keeps it from polling this long")
	return p.Run(args, out, func(r step.Run) error {
		reports := &reports{out: out, print: !r.Demo}
		l, err := loop.New(loop.WithErrorHandler(reports.add), loop.WithWatchdog(*watchdog))
		if err != nil {
			return err
		}
		defer l.Close()
		dir := directory{delay: *delay}
		srv, err := lineserver.Serve(l, r.Addr, impls[r.Impl](l, dir.lookup))
		if err != nil {
			return r.ListenError(err)
		}
		stop := func() { l.CallSoonThreadSafe(srv.Close) } // nothing left to wait for: Run returns
		if r.Demo {
			return runDemo(out, l, reports, srv.Addr(), stop, *delay, *watchdog)
		}
		r.Listening(srv.Addr(), fmt.Sprintf("the %s's server; the directory answers in %v", r.Impl, *delay))
		fmt.Fprintf(out, "  or, in two terminals, %s: type /lookup alice in one, anything in the other\n", step.Join(srv.Addr()))
		step.OnInterrupt(stop)
		return l.Run()
	})
}

// runDemo runs the clients while the loop runs on this goroutine, then
// prints what they saw and what the watchdog said.
func runDemo(out io.Writer, l *loop.Loop, reports *reports, addr string, stop func(), delay, watchdog time.Duration) error {
	fmt.Fprintf(out, "Client B sends \"ping\" every 20ms. After 100ms, client A asks \"/lookup alice\";\n"+
		"the directory takes %v to answer. The loop's watchdog reports any callback that runs over %v.\n\n", delay, watchdog)
	var result demoResult
	go func() {
		result = runClients(addr, delay)
		stop()
	}()
	if err := l.Run(); err != nil {
		return err
	}
	return result.print(out, reports, watchdog)
}

// A directory knows everyone's address, and takes its time to say.
type directory struct {
	delay time.Duration
}

// addresses are the directory's entries (documentation addresses, RFC 5737).
var addresses = map[string]string{
	"alice": "192.0.2.10",
	"bob":   "192.0.2.11",
	"carol": "192.0.2.12",
}

// lookup returns name's address, after the directory's delay. It blocks
// the goroutine that calls it, as a DNS query, a database call or a read
// from a network disk would: time.Sleep stands for any of them.
func (d directory) lookup(name string) string {
	time.Sleep(d.delay)
	if addr, ok := addresses[name]; ok {
		return addr
	}
	return "nowhere: not in the directory"
}

// demoResult is what the demo's clients saw.
type demoResult struct {
	answer string
	took   time.Duration
	pings  demo.PingStats
	err    error
}

// runClients runs client B, pinging, and client A's one lookup.
func runClients(addr string, delay time.Duration) demoResult {
	var r demoResult
	bound := 10*delay + 5*time.Second
	b, err := demo.StartPinger(addr, "ping\n", 20*time.Millisecond, bound)
	if err != nil {
		r.err = err
		return r
	}
	time.Sleep(100 * time.Millisecond)
	r.answer, r.took, r.err = demo.Ask(addr, "/lookup alice\n", bound)
	time.Sleep(100 * time.Millisecond)
	var pingErr error
	r.pings, pingErr = b.Stop()
	if r.err == nil {
		r.err = pingErr
	}
	return r
}

// print prints the table of the demo and what the watchdog said.
func (r demoResult) print(out io.Writer, reports *reports, watchdog time.Duration) error {
	if r.err != nil {
		return r.err
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "client\tsent\tgot back\tafter\n")
	fmt.Fprintf(tw, "A\t/lookup alice\t%s\t%v\n", r.answer[:len(r.answer)-1], demo.Round(r.took))
	fmt.Fprintf(tw, "B\tping, %d times\tping\tmedian %v, longest %v\n", r.pings.Count, demo.Round(r.pings.Median), demo.Round(r.pings.Longest))
	tw.Flush()
	fmt.Fprintln(out)
	stalls := reports.list()
	if len(stalls) == 0 {
		fmt.Fprintf(out, "The watchdog reported nothing: the loop never went %v without polling.\n"+
			"B was served all along, while the directory kept A's lookup waiting elsewhere.\n", watchdog)
		return nil
	}
	fmt.Fprintf(out, "The loop's watchdog (loop.WithWatchdog(%v)) reported:\n", watchdog)
	for _, s := range stalls {
		fmt.Fprintf(out, "  %s\n", s)
	}
	fmt.Fprintln(out, "\nWhile the directory kept the loop goroutine waiting, no client was served: B's longest\n"+
		"round trip is about as long as A's lookup.")
	return nil
}

// reports is the loop's error handler: it keeps what the loop reports,
// worded by package detector, and prints it at once when the program
// serves (not during the demo, which prints it after its table).
type reports struct {
	out   io.Writer
	print bool

	mu   sync.Mutex // the watchdog reports from its own goroutine
	seen []string
}

func (r *reports) add(err error) {
	text := detector.Describe(err)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = append(r.seen, text)
	if r.print {
		fmt.Fprintln(r.out, text)
	}
}

func (r *reports) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen
}
