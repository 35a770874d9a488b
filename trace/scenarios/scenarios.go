package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/trace"
	"github.com/loopkit/loopkit/trace/scenarios/internal/stage"
)

// A Scenario is a program and the script of the world around it.
type Scenario struct {
	Name   string
	Doc    string   // one line: what happens
	Styles []string // the styles it runs in; the first is the default
	run    func(s *stage.Stage, style string) error
}

// All lists the scenarios, in the order of the package doc.
func All() []Scenario {
	return []Scenario{
		{Name: "print_sum", Doc: "the talk's print_sum(1, 2): compute sleeps a second, then print_sum prints the sum",
			Styles: []string{"coroutines", "callbacks"}, run: runPrintSum},
		{Name: "echo", Doc: "the echo example; two clients connect, each sends a line, gets it back and closes its side",
			Styles: loopStyles, run: runEcho},
		{Name: "chat", Doc: "the chat example; alice and bob join, alice says hi, bob leaves, then alice",
			Styles: loopStyles, run: runChat},
		{Name: "fetch", Doc: "the fetch example; four URLs through a pool of three, from a local server",
			Styles: loopStyles, run: runFetch},
	}
}

// loopStyles are the styles of the examples that run on a loop: the
// goroutines style has no loop to trace.
var loopStyles = []string{"coroutines", "callbacks", "protocol"}

// Names returns the names of the scenarios.
func Names() []string {
	var names []string
	for _, sc := range All() {
		names = append(names, sc.Name)
	}
	return names
}

// Lookup returns the scenario called name, or an error that lists them.
func Lookup(name string) (Scenario, error) {
	all := All()
	i := slices.IndexFunc(all, func(sc Scenario) bool { return sc.Name == name })
	if i < 0 {
		return Scenario{}, fmt.Errorf("unknown scenario %q (choose one of: %s)", name, strings.Join(Names(), ", "))
	}
	return all[i], nil
}

// Options say how a scenario runs.
type Options struct {
	// Style is one of the scenario's Styles; "" is its first.
	Style string
	// Backend is the loop's poller (one of loop.Backends()); "" is the
	// default. The trace is the same on every backend.
	Backend string
	// Pause, if not nil, is called at the start of every iteration, on the
	// loop goroutine, with what has been recorded so far and the loop's
	// state: Step uses it to wait for Enter.
	Pause func(p Paused)
}

// running is held by the Run under way (see Run).
var running sync.Mutex

// A Result is what a run recorded.
type Result struct {
	Title  string // "print_sum, coroutines style"
	Events []trace.Event
}

// Run runs the scenario and returns its events. An error means the program
// or the script failed (a client got other bytes than it should, the loop
// reported an error); the events are returned all the same, up to there.
//
// Runs take turns: a second Run waits for the first to end. Each has a
// stage of its own, but the fds are the process's: the kernel hands out the
// lowest free number, and the recorder lists watched fds in the order of
// their numbers, so two runs at once would take numbers from each other
// and draw their fds in another order than a run alone.
func (sc Scenario) Run(opts Options) (Result, error) {
	style := opts.Style
	if style == "" {
		style = sc.Styles[0]
	}
	if !slices.Contains(sc.Styles, style) {
		return Result{}, fmt.Errorf("scenario %s has no style %q (choose one of: %s)", sc.Name, style, strings.Join(sc.Styles, ", "))
	}
	var pause func(*stage.Stage)
	if opts.Pause != nil {
		pause = func(s *stage.Stage) { opts.Pause(paused(s)) }
	}
	running.Lock()
	defer running.Unlock()
	s := stage.New(opts.Backend, pause)
	err := errors.Join(sc.run(s, style), s.Err())
	result := Result{Title: fmt.Sprintf("%s, %s style", sc.Name, style), Events: s.Recorder().Events()}
	if err != nil {
		return result, fmt.Errorf("scenario %s, %s style: %w", sc.Name, style, err)
	}
	return result, nil
}

// serverConfig is the Config of an example server on the stage: one loop,
// on a free loopback port, on the stage's backend, its errors failing the
// run, and the stage's Hooks on its loop and hub.
func serverConfig(s *stage.Stage) examples.Config {
	return examples.Config{Addr: "127.0.0.1:0", Backend: s.Backend(), OnError: s.ReportError, Hooks: s.Hooks()}
}
