package scenarios

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/loopkit/loopkit/trace"
	"github.com/loopkit/loopkit/trace/scenarios/internal/stage"
)

// Paused is the loop between two iterations, as Options.Pause gets it:
// what it holds now (its waiters, timers, ready queue and coroutines) and
// what has been recorded so far.
type Paused struct {
	trace.Snapshot
	Events []trace.Event // everything recorded so far
}

// paused describes the stage's loop as an iteration starts. It runs on
// the loop goroutine, where the loop's and the hub's state may be read.
func paused(s *stage.Stage) Paused {
	rec := s.Recorder()
	return Paused{Snapshot: rec.Snapshot(s.Hub()), Events: rec.Events()}
}

// Step runs the scenario one loop iteration at a time: before each
// iteration it prints the rows of the diagram drawn since the last pause,
// then what the loop holds (its waiters, timers and ready queue) and the
// coroutines with what each waits on, and waits for a line on in (Enter,
// in a terminal). At the end of in it runs on to the end without pausing.
// It returns what Run returns.
func Step(out io.Writer, in io.Reader, sc Scenario, opts Options) (Result, error) {
	lines := bufio.NewScanner(in)
	more := true
	var diagram diagramPrinter
	opts.Pause = func(p Paused) {
		diagram.printNew(out, p.Events)
		writeState(out, p)
		if !more {
			return
		}
		fmt.Fprintf(out, "[Enter] runs iteration %d ", p.Iteration)
		more = lines.Scan()
		fmt.Fprintln(out)
	}
	res, err := sc.Run(opts)
	diagram.printNew(out, res.Events)
	fmt.Fprintln(out, "── the run has ended ──")
	return res, err
}

// A diagramPrinter prints a diagram as it grows: each time, the rows that
// are new, under the lanes' names when a lane has been added.
type diagramPrinter struct {
	header string
	rows   int // rows printed
}

// printNew draws events and prints what was not printed before.
func (d *diagramPrinter) printNew(out io.Writer, events []trace.Event) {
	var b bytes.Buffer
	trace.WriteText(&b, "", events)
	header, rows := splitDiagram(b.String())
	if d.rows >= len(rows) {
		return
	}
	if header != d.header {
		fmt.Fprint(out, header)
		d.header = header
	}
	fmt.Fprint(out, strings.Join(rows[d.rows:], ""))
	d.rows = len(rows)
}

// splitDiagram cuts WriteText's output into the lanes' names (up to the
// line with the "iter" heading) and the rows, one a line.
func splitDiagram(text string) (header string, rows []string) {
	lines := strings.SplitAfter(text, "\n")
	for i, line := range lines {
		if strings.Contains(line, "iter time") {
			return strings.Join(lines[:i+1], ""), trimEmpty(lines[i+1:])
		}
	}
	return "", trimEmpty(lines)
}

func trimEmpty(lines []string) []string {
	if n := len(lines); n > 0 && lines[n-1] == "" {
		return lines[:n-1]
	}
	return lines
}

// writeState prints what the loop holds between two iterations.
func writeState(out io.Writer, p Paused) {
	fmt.Fprintf(out, "── before iteration %d, clock %v ──\n", p.Iteration, p.Clock)
	fmt.Fprintf(out, "  readers     %s\n", orNone(p.Readers))
	fmt.Fprintf(out, "  writers     %s\n", orNone(p.Writers))
	var timers []string
	for _, t := range p.Timers {
		timers = append(timers, t.String())
	}
	fmt.Fprintf(out, "  timers      %s\n", orNone(timers))
	fmt.Fprintf(out, "  ready       %d callback(s)\n", p.Ready)
	if len(p.Coroutines) == 0 {
		return
	}
	fmt.Fprintf(out, "  coroutines\n")
	for _, co := range p.Coroutines {
		what := "parked on " + co.ParkedOn
		if co.ParkedOn == "" {
			what = "not started yet"
		}
		fmt.Fprintf(out, "    %-20s %s\n", co.Name, what)
	}
}

func orNone(items []string) string {
	if len(items) == 0 {
		return "(none)"
	}
	return strings.Join(items, " ")
}
