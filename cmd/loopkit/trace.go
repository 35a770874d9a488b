package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/trace"
	"github.com/loopkit/loopkit/trace/scenarios"
)

// traceCommand is loopkit trace: run a scenario on a traced loop and draw
// it, the talk's "language of diagrams":
//
//	loopkit trace                               list the scenarios
//	loopkit trace SCENARIO [--style S] [--svg FILE [--projector]] [--backend B]
//	loopkit trace --step SCENARIO [--style S]   one iteration per Enter
//
// --svg draws for the docs, 14-pixel text; --projector for a room,
// 24-pixel text; both in pages no taller than a 1080-line screen. It is a
// switch rather than a --size with values, as there are two sizes: the one
// a reader zooms, and the one a projector cannot.
//
// The scenarios and the drawing are in package trace/scenarios and package
// trace; this only parses flags.
func traceCommand(args []string, stdout, stderr io.Writer) int {
	opts, err := parseTrace(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "loopkit trace: %v\n", err)
		return 2
	case opts.scenario == "":
		listScenarios(stdout)
		return 0
	}
	sc, err := scenarios.Lookup(opts.scenario)
	if err != nil {
		fmt.Fprintf(stderr, "loopkit trace: %v\n", err)
		return 2
	}
	if opts.style != "" && !contains(sc.Styles, opts.style) {
		fmt.Fprintf(stderr, "loopkit trace: scenario %s has no style %q (choose one of: %s)\n", sc.Name, opts.style, strings.Join(sc.Styles, ", "))
		return 2
	}
	run := scenarios.Options{Style: opts.style, Backend: opts.backend}
	if opts.step {
		// The one reader of the terminal: cli's callers give no stdin of
		// their own, and step mode is for a person at a terminal.
		_, err = scenarios.Step(stdout, os.Stdin, sc, run)
		return traceResult(err, stderr)
	}
	res, err := sc.Run(run)
	if len(res.Events) == 0 {
		return traceResult(err, stderr)
	}
	if werr := trace.WriteText(stdout, res.Title, res.Events); werr != nil {
		err = errors.Join(err, werr)
	}
	if opts.svg != "" {
		size := trace.Document
		if opts.projector {
			size = trace.Projector
		}
		err = errors.Join(err, writePages(opts.svg, trace.SVGPages(res.Title, res.Events, size), stderr))
	}
	return traceResult(err, stderr)
}

// writePages writes the pages of an SVG diagram to path, or to path-1.svg,
// path-2.svg, ... if there are more than one, and says so.
func writePages(path string, pages [][]byte, stderr io.Writer) error {
	for i, page := range pages {
		if err := os.WriteFile(trace.PageFile(path, i+1, len(pages)), page, 0o644); err != nil {
			return err
		}
	}
	if n := len(pages); n > 1 {
		fmt.Fprintf(stderr, "loopkit trace: %d pages: %s to %s\n", n, trace.PageFile(path, 1, n), trace.PageFile(path, n, n))
	}
	return nil
}

// traceResult reports a failed run: the diagram is printed all the same,
// up to where it failed.
func traceResult(err error, stderr io.Writer) int {
	if err != nil {
		fmt.Fprintf(stderr, "loopkit trace: %v\n", err)
		return 1
	}
	return 0
}

// traceOptions are the flags of loopkit trace.
type traceOptions struct {
	scenario  string
	style     string
	backend   string
	svg       string
	projector bool
	step      bool
}

// parseTrace parses "[flags] [SCENARIO] [flags]": the flags may come
// before the scenario's name or after it.
func parseTrace(args []string, stderr io.Writer) (traceOptions, error) {
	var opts traceOptions
	fs := flag.NewFlagSet("loopkit trace", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.style, "style", "", "the style (default: the scenario's first; loopkit trace lists them)")
	fs.StringVar(&opts.backend, "backend", "", "the poller: "+strings.Join(loop.Backends(), ", ")+" (the diagram is the same on each)")
	fs.StringVar(&opts.svg, "svg", "", "also write the diagram as SVG to this file, in pages 1080 pixels tall at most (FILE-1.svg, FILE-2.svg, ... if there are more than one)")
	fs.BoolVar(&opts.projector, "projector", false, "draw the SVG for a projector: 24-pixel text, on pages that fit a 1920x1080 screen without shrinking")
	fs.BoolVar(&opts.step, "step", false, "run one loop iteration per line read from the terminal (Enter)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: loopkit trace [SCENARIO] [flags]\n\nscenarios: %s\n\nflags:\n", strings.Join(scenarios.Names(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	if fs.NArg() > 0 {
		opts.scenario = fs.Arg(0)
		if err := fs.Parse(fs.Args()[1:]); err != nil {
			return opts, err
		}
	}
	if fs.NArg() > 0 {
		return opts, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if opts.projector && opts.svg == "" {
		return opts, errors.New("--projector sizes the SVG: give --svg FILE too")
	}
	if opts.backend != "" && !contains(loop.Backends(), opts.backend) {
		return opts, fmt.Errorf("unknown backend %q (this OS has: %s)", opts.backend, strings.Join(loop.Backends(), ", "))
	}
	return opts, nil
}

// listScenarios prints the scenarios, their styles and what they do.
func listScenarios(w io.Writer) {
	fmt.Fprintln(w, "usage: loopkit trace SCENARIO [--style S] [--svg FILE [--projector]] [--backend B] [--step]")
	fmt.Fprintln(w, "\nscenarios:")
	for _, sc := range scenarios.All() {
		fmt.Fprintf(w, "  %-10s %s\n  %-10s styles: %s\n", sc.Name, sc.Doc, "", strings.Join(sc.Styles, ", "))
	}
}
