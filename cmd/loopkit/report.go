package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

// printTables prints the results as text tables, one per measure.
func printTables(w io.Writer, r *results) {
	for _, t := range tables(r) {
		printTable(w, t)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	for _, f := range r.Failures {
		fmt.Fprintf(w, "FAILED: %s\n", f)
	}
}

// A table is a titled grid of text, printed to the terminal and written as
// markdown in the report.
type table struct {
	title  string
	about  string // what the title has no room for, if anything
	header []string
	rows   [][]string
}

// printTable prints a table with its columns aligned right.
func printTable(w io.Writer, t table) {
	fmt.Fprintf(w, "\n%s\n", t.title)
	if t.about != "" {
		fmt.Fprintf(w, "%s\n", t.about)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, strings.Join(t.header, "\t")+"\t")
	for _, row := range t.rows {
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
}

// markdownTable writes a table as a section of a report.
func markdownTable(b *strings.Builder, t table) {
	fmt.Fprintf(b, "\n## %s\n\n", t.title)
	if t.about != "" {
		fmt.Fprintf(b, "%s\n\n", t.about)
	}
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(t.header, " | "), strings.Repeat(" --- |", len(t.header)))
	for _, row := range t.rows {
		fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
	}
}

// tables lays out the results.
func tables(r *results) []table {
	var out []table
	echo := table{title: "echo: round trips/s, median (min–max) over the rounds; at 100 conns, p50 / p99 latency and server CPU per round trip",
		about:  fmt.Sprintf("%d rounds. Where two servers' ranges overlap, this run cannot tell them apart.", r.Settings.EchoRounds),
		header: []string{"server"}}
	conns := distinct(r.Echo, func(e echoRun) int { return e.Conns })
	for _, n := range conns {
		echo.header = append(echo.header, fmt.Sprintf("%d conns", n))
	}
	echo.header = append(echo.header, "p50 / p99 µs @100", "CPU µs/rt @100", "peak RSS MB")
	for _, s := range distinct(r.Echo, func(e echoRun) server { return e.server }) {
		row := []string{s.String()}
		latency, cpu := "-", "-"
		for _, n := range conns {
			e, ok := find(r.Echo, func(e echoRun) bool { return e.server == s && e.Conns == n })
			row = append(row, echoCell(e, ok))
			if ok && n == 100 && e.Error == "" {
				latency = fmt.Sprintf("%.0f / %.0f", e.P50us, e.P99us)
				cpu = fmt.Sprintf("%.1f", e.CPUPerRoundTripUs)
			}
		}
		rss := "-"
		if f, ok := find(r.Servers, func(f serverFigures) bool { return f.server == s }); ok {
			rss = fmt.Sprintf("%.1f", f.PeakRSSMB)
		}
		echo.rows = append(echo.rows, append(row, latency, cpu, rss))
	}
	out = append(out, echo)

	chat := table{title: fmt.Sprintf("chat: %d users in a room, each reading everything", r.Settings.ChatUsers), about: chatAbout(),
		header: []string{"scenario", "server", "deliveries/s", "lines sent", "lines lost", "readers dropped", "peak RSS MB"}}
	for _, sc := range distinct(r.Chat, func(c chatRun) string { return c.Scenario }) {
		for _, c := range r.Chat {
			if c.Scenario == sc {
				chat.rows = append(chat.rows, chatRow(c))
			}
		}
	}
	out = append(out, chat)

	fetch := table{title: fmt.Sprintf("fetch: %d URLs through a pool of %d, each answered after %s", r.Settings.URLs, r.Settings.Pool, r.Settings.Delay), header: []string{"server", "wall ms", "most in flight", "failed"}}
	for _, f := range r.Fetch {
		fetch.rows = append(fetch.rows, []string{f.server.String(), fmt.Sprintf("%.0f", f.WallMs), fmt.Sprint(f.MaxInFlight), fmt.Sprint(f.Failed)})
	}
	out = append(out, fetch)

	poll := table{title: "poll cost: ns per loop iteration with idle fds watched", header: []string{"backend"}}
	idle := distinct(r.PollCost, func(p pollFigures) int { return p.Idle })
	for _, n := range idle {
		poll.header = append(poll.header, fmt.Sprintf("%d idle", n))
	}
	for _, b := range distinct(r.PollCost, func(p pollFigures) string { return p.Backend }) {
		row := []string{b}
		for _, n := range idle {
			p, ok := find(r.PollCost, func(p pollFigures) bool { return p.Backend == b && p.Idle == n })
			switch {
			case !ok || p.Error != "":
				row = append(row, "n/a")
			default:
				row = append(row, fmt.Sprintf("%.0f", p.NsPerIteration))
			}
		}
		poll.rows = append(poll.rows, row)
	}
	out = append(out, poll)

	code := table{title: "code: each style's file", header: []string{"program", "style", "lines", "deepest nesting"}}
	for _, c := range r.Code {
		code.rows = append(code.rows, []string{c.Program, c.Style, fmt.Sprint(c.Lines), fmt.Sprint(c.Depth)})
	}
	out = append(out, code)

	if len(r.Loops) > 0 {
		loops := table{title: "n to m: echo at 100 connections on 1 and 2 loops", header: []string{"server", "loops", "round trips/s", "server CPUs"}}
		for _, l := range r.Loops {
			if l.Error != "" {
				loops.rows = append(loops.rows, []string{l.server.String(), fmt.Sprint(l.Loops), "n/a", ""})
				continue
			}
			loops.rows = append(loops.rows, []string{l.server.String(), fmt.Sprint(l.Loops), fmt.Sprintf("%.0f", l.PerSecond), fmt.Sprintf("%.2f", l.ServerCPU)})
		}
		out = append(out, loops)
	}
	return out
}

// chatAbout says what the chat scenarios are and what the columns count.
func chatAbout() string {
	var b strings.Builder
	for _, sc := range chatScenarios {
		fmt.Fprintf(&b, "%s: %s. ", sc.name, sc)
	}
	b.WriteString("A delivery is a line received by a user; a line is lost if a user still connected at the end did not receive it; a reader is dropped if told they were too slow, or disconnected.")
	return b.String()
}

func chatRow(c chatRun) []string {
	if c.Error != "" {
		return []string{c.Scenario, c.server.String(), "error", "", "", "", ""}
	}
	return []string{c.Scenario, c.server.String(), fmt.Sprintf("%.0f", c.PerSecond), fmt.Sprint(c.Sent),
		fmt.Sprint(c.Lost), fmt.Sprint(c.Dropped), fmt.Sprintf("%.1f", c.PeakRSSMB)}
}

func echoCell(e echoRun, ok bool) string {
	switch {
	case !ok:
		return "-"
	case e.Error != "":
		return "n/a"
	}
	return spreadCell(e.Rounds)
}

// spreadCell writes a median and its range in thousands, "74.2k
// (48.1–96.0k)", short enough for a table of many columns.
func spreadCell(s spread) string {
	return fmt.Sprintf("%.1fk (%.1f–%.1fk)", s.Median/1000, s.Min/1000, s.Max/1000)
}

// distinct returns the keys of xs in the order they first appear.
func distinct[T any, K comparable](xs []T, key func(T) K) []K {
	var out []K
	seen := make(map[K]bool)
	for _, x := range xs {
		if k := key(x); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func find[T any](xs []T, match func(T) bool) (T, bool) {
	for _, x := range xs {
		if match(x) {
			return x, true
		}
	}
	var zero T
	return zero, false
}

// writeReport writes dir/results.json, the charts, and dir/README.md, which
// shows the tables and the charts.
func writeReport(dir string, r *results) error {
	return writeReportDir(dir, r,
		func() ([]chart, error) { return writeCharts(dir, r) },
		func(charts []chart) string { return markdown(r, charts) })
}

// writeReportDir writes a report into dir: figures as dir/results.json, the
// charts drawCharts writes there, and dir/README.md, which readme words
// from those charts. compare and compare --homelands both write theirs so.
func writeReportDir(dir string, figures any, drawCharts func() ([]chart, error), readme func([]chart) string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(figures, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	charts, err := drawCharts()
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "README.md"), []byte(readme(charts)), 0o644)
}

// markdown is the report's README: the settings, each table, each chart.
func markdown(r *results, charts []chart) string {
	var b strings.Builder
	s := r.Settings
	fmt.Fprintf(&b, "# loopkit compare\n\n%s, %s/%s, %d CPUs, %s; windows of %s after %s of warm-up, shared by echo's %d rounds (full sweep: %v); took %.0f s.\n",
		s.GoVersion, s.OS, s.Arch, s.CPUs, s.Date, s.Window, s.Warmup, s.EchoRounds, s.Full, s.Seconds)
	b.WriteString("\nThe load client is Go's net, one goroutine per connection, in the same process as compare; each server runs as a child process (`loopkit run`), so its CPU and memory are its own. Client and server share the machine's cores: read the figures as a comparison, not as the servers' limits.\n")
	for _, t := range tables(r) {
		markdownTable(&b, t)
	}
	if len(charts) > 0 {
		b.WriteString("\n## Charts\n")
		for _, c := range charts {
			fmt.Fprintf(&b, "\n### %s\n\n![%s](%s)\n", c.title, c.title, c.file)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "\nNote: %s\n", n)
	}
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "\nFAILED: %s\n", f)
	}
	return b.String()
}
