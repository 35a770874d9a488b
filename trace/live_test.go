package trace_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/trace"
	"github.com/loopkit/loopkit/trace/scenarios"
)

// TestLiveDrawsTheRowsOfWriteText lays out every scenario an iteration at
// a time, as a live view does, and finds the rows of the whole run's text
// diagram: the same texts, on the same iterations, in the same order.
func TestLiveDrawsTheRowsOfWriteText(t *testing.T) {
	for _, sc := range scenarios.All() {
		for _, style := range sc.Styles {
			t.Run(sc.Name+"/"+style, func(t *testing.T) {
				res, err := sc.Run(scenarios.Options{Style: style})
				if err != nil {
					t.Fatal(err)
				}
				live := trace.NewLive()
				var got []string
				for _, batch := range iterations(res.Events) {
					for _, r := range live.Add(batch) {
						got = append(got, r.Iteration+" "+r.Text)
					}
				}
				if diff := cmp.Diff(textRows(t, res.Events), got); diff != "" {
					t.Errorf("rows laid out an iteration at a time (-whole run +live):\n%s", diff)
				}
			})
		}
	}
}

// TestLiveLanesPutNotesLast checks the order of Lanes: the loop's own
// lanes as they appear, then the lanes of notes (the world outside).
func TestLiveLanesPutNotesLast(t *testing.T) {
	sc, err := scenarios.Lookup("echo")
	if err != nil {
		t.Fatal(err)
	}
	res, err := sc.Run(scenarios.Options{Style: "coroutines"})
	if err != nil {
		t.Fatal(err)
	}
	live := trace.NewLive()
	live.Add(res.Events)
	var kinds []string
	for _, l := range live.Lanes() {
		if len(kinds) == 0 || kinds[len(kinds)-1] != l.Kind {
			kinds = append(kinds, l.Kind)
		}
	}
	if got := kinds[len(kinds)-1]; kinds[0] != "loop" || got != "note" || strings.Count(strings.Join(kinds, " "), "note") != 1 {
		t.Errorf("lane kinds in order %v, want the loop first and the notes together, last", kinds)
	}
}

// iterations cuts events before each IterationStarted, as a live view
// takes them.
func iterations(events []trace.Event) [][]trace.Event {
	var batches [][]trace.Event
	start := 0
	for i, ev := range events {
		if ev.Kind == trace.IterationStarted && i > start {
			batches = append(batches, events[start:i])
			start = i
		}
	}
	return append(batches, events[start:])
}

// textRows returns WriteText's rows as "#N text" (or " text"): the
// iteration column, and what follows the lanes.
func textRows(t *testing.T, events []trace.Event) []string {
	t.Helper()
	var b bytes.Buffer
	if err := trace.WriteText(&b, "", events); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	for i, line := range lines {
		if strings.Contains(line, "iter time") {
			lines = lines[i+1:]
			break
		}
	}
	// The lanes are drawn with box-drawing runes and spaces; the text
	// starts at the first rune after them.
	var rows []string
	for _, line := range lines {
		iteration := ""
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], "#") {
			iteration = f[0]
		}
		rest := strings.TrimLeft(line, " #0123456789.µnmsh")
		rest = strings.TrimLeft(rest, " │┼─●▶◀")
		rows = append(rows, iteration+" "+rest)
	}
	return rows
}
