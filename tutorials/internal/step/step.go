package step

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/loopkit/loopkit/internal/lan"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/calltrace"
	"github.com/loopkit/loopkit/tutorials/internal/manifest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// A Program is one step's command line: the flags every step has, and the
// step's own, which it adds to the embedded FlagSet before calling Run.
type Program struct {
	*flag.FlagSet
	name        string // the step's directory: "03-select"
	root        string // the repository's tutorials directory; "" if not found
	exerciseDir string // where its exercise's source is; "" if not found
	addr        *string
	ref, demo   *bool
	trace       *bool   // nil: the step has no -trace
	serve       *string // nil: the step has no -serve
	programs    []string
	watch       *string // nil: the step has no -watch
}

// New returns the program of the step in the directory name
// ("03-select"), which listens on addr unless told otherwise.
func New(name, addr string) *Program {
	p := &Program{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), name: name}
	p.addr = p.String("addr", addr, "the address to listen on (port 0 picks a free one)")
	p.ref = p.Bool("ref", false, "run the reference solution instead of your exercise")
	p.demo = p.Bool("demo", false, "run the built-in clients, print what they saw, and exit")
	if root, err := manifest.FindRoot("."); err == nil {
		p.root = root
		p.exerciseDir = filepath.Join(root, name, "exercise")
	}
	return p
}

// AddTrace gives the program a -trace flag; usage says what it prints.
func (p *Program) AddTrace(usage string) {
	p.trace = p.Bool("trace", false, usage)
}

// AddServe gives the program a -serve flag, which names one of programs:
// the real program to serve on the student's code, once it passes the
// step's conformance suite (Run.Conform). usage says on what it serves.
func (p *Program) AddServe(usage string, programs ...string) {
	p.serve = p.String("serve", "", usage+": "+strings.Join(programs, " or "))
	p.programs = programs
}

// AddWatch gives the program a -watch flag, which serves a page showing
// the loop of -serve live in a browser (package watch), at the address
// given. Add it after AddServe.
func (p *Program) AddWatch() {
	p.watch = p.String("watch", "", "-serve: also show the loop live in a browser, the page served on this address (such as 127.0.0.1:7070)")
}

// A Run is one run of a step's program, as its flags chose it.
type Run struct {
	Out   io.Writer
	Addr  string // -addr
	Impl  string // "exercise", or "solution" (-ref, or a demo on an unfinished exercise)
	Demo  bool   // -demo
	Trace bool   // -trace
	Serve string // -serve: the program to serve, or ""
	Watch string // -watch: where to serve the live page, or ""
	step  string
	root  string // the repository's tutorials directory; "" if not found
}

// Run parses args, then calls body with what they chose, on the goroutine
// that called Run. A skeleton's TODO panic that reaches Run becomes an
// error that names the hole. out is where the program prints.
func (p *Program) Run(args []string, out io.Writer, body func(Run) error) (err error) {
	defer todo.Recover(&err)
	p.SetOutput(out)
	if err := p.Parse(args); err != nil {
		return err
	}
	r := Run{Out: out, Addr: *p.addr, Impl: "exercise", Demo: *p.demo, Trace: p.trace != nil && *p.trace, step: p.name, root: p.root}
	if p.serve != nil {
		r.Serve = *p.serve
	}
	if p.watch != nil {
		r.Watch = *p.watch
	}
	switch {
	case r.Watch != "" && r.Serve == "":
		return errors.New("-watch shows the loop of a -serve program: add -serve " + strings.Join(p.programs, " or -serve "))
	case r.Serve != "" && !slices.Contains(p.programs, r.Serve):
		return fmt.Errorf("-serve: unknown program %q (choose one of: %s)", r.Serve, strings.Join(p.programs, ", "))
	case r.Serve != "" && r.Demo:
		return errors.New("-serve and -demo: choose one (-serve runs until Ctrl-C, -demo runs its clients and exits)")
	case *p.ref && !p.hasReference():
		return fmt.Errorf("-ref: the reference of step %s is not in this edition of the tutorial: "+
			"your teacher hands it out after the block. Yours runs without -ref", p.name[:2])
	case *p.ref:
		r.Impl = "solution"
	default:
		if hole := firstHole(p.exerciseDir); hole != "" {
			r.warnUnfinished(hole, p.hasReference())
		}
	}
	return body(r)
}

// hasReference reports whether the step's reference is here. The student
// edition (make student-edition) leaves out solution/ until the teacher
// hands it out; a step with no exercise has nothing to leave out.
func (p *Program) hasReference() bool {
	if _, err := os.Stat(p.exerciseDir); err != nil {
		return true // no exercise (step 00), or no repository around the program
	}
	_, err := os.Stat(filepath.Join(filepath.Dir(p.exerciseDir), "solution"))
	return err == nil
}

// warnUnfinished says that the exercise has a hole left. The demo shows
// the reference instead, if there is one; the server runs the exercise,
// which will stop at the hole.
func (r *Run) warnUnfinished(hole string, withReference bool) {
	switch {
	case r.Demo && withReference:
		fmt.Fprintf(r.Out, "your exercise is not finished yet (%s); showing the reference solution\n\n", hole)
		r.Impl = "solution"
		return
	case r.Demo:
		fmt.Fprintf(r.Out, "your exercise is not finished yet (%s): the demo runs it, and will stop there\n\n", hole)
		return
	}
	fmt.Fprintf(r.Out, "note: your exercise is not finished yet (%s): it will stop there. -ref runs the reference.\n", hole)
}

// Main is a step's func main: it runs the step's run function on the
// command line and standard output, and exits 1 with its error, if any.
// -h, which printed the flags, is no error.
func Main(run func(args []string, out io.Writer) error) {
	err := run(os.Args[1:], os.Stdout)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", filepath.Base(os.Args[0]), err)
		os.Exit(1)
	}
}

// Listening tells the student where the server is, what it runs, and how
// to stop it and try it; for a server beyond loopback (-addr 0.0.0.0:7008),
// how other machines join it, at each address of this one (package lan):
//
//	listening on 0.0.0.0:7003, the kit's loop on the exercise's poller. Ctrl-C stops.
//	  try: go run ./tutorials/03-select -demo -addr 127.0.0.1:0
//	  from another machine: go run ./cmd/loopkit join 192.168.1.20:7003
func (r Run) Listening(addr any, what string) {
	fmt.Fprintf(r.Out, "listening on %s, %s. Ctrl-C stops.\n  try: go run ./tutorials/%s -demo -addr 127.0.0.1:0\n", addr, what, r.step)
	others, err := lan.Addrs(fmt.Sprint(addr))
	if err != nil {
		fmt.Fprintf(r.Out, "  (%v)\n", err)
	}
	for _, other := range others {
		fmt.Fprintf(r.Out, "  from another machine: %s\n", Join(other))
	}
}

// ListenError words a failure to listen on -addr, with its usual cause.
func (r Run) ListenError(err error) error {
	return fmt.Errorf("%w\n  is step %s still running in another terminal? or use -addr 127.0.0.1:0", err, r.step[:2])
}

// Report is a loop's error handler that prints what the loop reports. A
// hole of the skeleton that panics in a loop callback or a coroutine is
// worded by todo.Reported: which function is not written yet, and where.
func (r Run) Report(err error) {
	fmt.Fprintln(r.Out, "loop:", todo.Reported(err))
}

// NewLoop makes the step's loop: its errors go to Report, and with -trace
// every poll and callback it runs is printed (package calltrace).
func (r Run) NewLoop() (*loop.Loop, error) {
	opts := []loop.Option{loop.WithErrorHandler(r.Report)}
	if r.Trace {
		opts = append(opts, loop.WithObserver(calltrace.New(r.Out)))
	}
	return loop.New(opts...)
}

// Join returns the command that talks to the server at addr by hand, the
// job of nc or telnet, so that the tutorial needs neither:
// "go run ./cmd/loopkit join 127.0.0.1:7008".
func Join(addr any) string {
	return fmt.Sprint("go run ./cmd/loopkit join ", addr)
}

// WaitInterrupt returns at the first Ctrl-C, or SIGTERM (what loopkit
// compare sends the program it measures, to stop it cleanly). A second one
// ends the program as usual: a server that does not stop can still be
// stopped.
func WaitInterrupt() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	<-signals
	signal.Stop(signals)
}

// OnInterrupt calls stop, on a goroutine of its own, at the first Ctrl-C
// (or SIGTERM).
// stop must be safe to call from any goroutine: to stop a loop, have it
// hand the work to the loop with CallSoonThreadSafe.
func OnInterrupt(stop func()) {
	go func() {
		WaitInterrupt()
		stop()
	}()
}
