// Command 00-setup checks that this machine is ready for the tutorial, and
// shows the three moves every step is made of: run a program, observe what
// it prints, check it with go test.
//
//	go run ./tutorials/00-setup          # the table below, then exit
//	go test ./tutorials/00-setup         # the same facts, as a check
//
// It prints the Go version, the limit on open fds, the pollers this OS
// has, and whether the loopback interface and the tutorial's ports work.
// There is nothing to write in this step.
package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/loopkit/loopkit/tutorials/internal/step"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. It takes every step's flags, and
// always just prints its table: there is no exercise in this step.
func run(args []string, out io.Writer) error {
	return step.New("00-setup", "127.0.0.1:7000").Run(args, out, func(r step.Run) error { return printChecks(out, r.Addr) })
}

// printChecks runs the checks, trying to listen on addr, and prints a
// table of what they found.
func printChecks(out io.Writer, addr string) error {
	results := runChecks(addr)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tRESULT\t")
	failed := 0
	for _, r := range results {
		mark := r.value
		if r.err != nil {
			mark = "PROBLEM: " + r.err.Error()
			failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t\n", r.name, mark)
	}
	tw.Flush()
	if busy := busyPorts(); len(busy) > 0 {
		fmt.Fprintf(out, "\nnote: ports in use: %s. A step still running in another terminal? "+
			"Every step takes -addr 127.0.0.1:0 to pick a free port.\n", strings.Join(busy, ", "))
	}
	if failed > 0 {
		return fmt.Errorf("%d problem(s) above: docs/workshop.md lists what to do about each", failed)
	}
	fmt.Fprintln(out, "\nready. Next: go test ./tutorials/00-setup, then tutorials/01-blocking/README.md")
	return nil
}
