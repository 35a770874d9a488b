//go:build linux

package main

import (
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// homelandTables lays out the rows: echo side by side, echo in full, chat.
func homelandTables(r *homelandsResults) []table {
	conns := distinct(r.Echo, func(e homelandEchoRow) int { return e.Conns })
	side := table{
		title:  "echo, side by side: round trips/s and the ratio to go-net",
		about:  "Median over the rounds; the ratio is the median of each round's ratio to go-net in that round, with its range.",
		header: []string{"server", "what"},
	}
	for _, n := range conns {
		side.header = append(side.header, fmt.Sprintf("%d conns", n), "vs go-net")
	}
	for _, s := range distinct(r.Echo, func(e homelandEchoRow) string { return e.Server }) {
		about, _ := find(r.Echo, func(e homelandEchoRow) bool { return e.Server == s })
		row := []string{s, about.About}
		for _, n := range conns {
			e, _ := find(r.Echo, func(e homelandEchoRow) bool { return e.Server == s && e.Conns == n })
			row = append(row, rateCell(e), ratioCell(e))
		}
		side.rows = append(side.rows, row)
	}
	cost := table{
		title: "echo, what a round trip cost: the server's CPU, and whether the client set the pace",
		about: "server µs/rt: the server's CPU time per round trip, from /proc: the figure that still separates servers when the client is the limit. " +
			"client CPU near 1 and client sleeps/rt near 0: the client never waited for the server, so it set the pace, and the rate is a lower bound for the server.",
		header: []string{"server"},
	}
	counted := r.Settings.Syscalls
	if counted {
		cost.about += " syscalls/rt: the server's system calls per round trip, counted by perf stat (--syscalls)."
	}
	for _, n := range conns {
		cost.header = append(cost.header, fmt.Sprintf("server µs/rt @%d", n), fmt.Sprintf("client CPU @%d", n), fmt.Sprintf("client sleeps/rt @%d", n))
		if counted {
			cost.header = append(cost.header, fmt.Sprintf("syscalls/rt @%d", n))
		}
	}
	for _, s := range distinct(r.Echo, func(e homelandEchoRow) string { return e.Server }) {
		row := []string{s}
		for _, n := range conns {
			e, _ := find(r.Echo, func(e homelandEchoRow) bool { return e.Server == s && e.Conns == n })
			row = append(row, fmt.Sprintf("%.2f", e.ServerCPUPerRTus), fmt.Sprintf("%.2f", e.ClientCPU), fmt.Sprintf("%.3f", e.ClientSleeps))
			if counted {
				row = append(row, fmt.Sprintf("%.2f", e.SyscallsPerRT))
			}
		}
		cost.rows = append(cost.rows, row)
	}
	full := table{
		title: "echo, in full",
		about: "Medians over the rounds, but other (the most CPU that other processes took during a run) and peak RSS (the most of any round); " +
			"redone: runs redone because other passed --max-other, and noisy: runs where it did so on the last try too.",
		header: []string{"server", "conns", "rt/s", "min–max", "p50 µs", "p99 µs", "server µs/rt", "server CPU", "client CPU", "client sleeps/rt", "other", "peak RSS MB", "redone"},
	}
	for _, e := range r.Echo {
		full.rows = append(full.rows, []string{e.Server, fmt.Sprint(e.Conns), rateCell(e),
			fmt.Sprintf("%.0f–%.0f", e.PerSecond.Min, e.PerSecond.Max), fmt.Sprintf("%.0f", e.P50us), fmt.Sprintf("%.0f", e.P99us),
			fmt.Sprintf("%.2f", e.ServerCPUPerRTus), fmt.Sprintf("%.2f", e.ServerCPU), fmt.Sprintf("%.2f", e.ClientCPU),
			fmt.Sprintf("%.3f", e.ClientSleeps), fmt.Sprintf("%.2f", e.OtherCPU), fmt.Sprintf("%.1f", e.PeakRSSMB), redoneCell(e.Redone, e.Noisy)})
	}
	chat := table{
		title:  fmt.Sprintf("chat: %d users, each style beside the talk's gevent chat", r.Settings.ChatUsers),
		about:  chatAbout() + " Lost and dropped: the worst round.",
		header: []string{"scenario", "server", "deliveries/s", "min–max", "server µs/delivery", "lost", "dropped", "peak RSS MB", "redone"},
	}
	for _, c := range r.Chat {
		rate := "failed"
		if c.Runs > 0 {
			rate = fmt.Sprintf("%.0f", c.PerSecond.Median)
		}
		chat.rows = append(chat.rows, []string{c.Scenario, c.Server, rate, fmt.Sprintf("%.0f–%.0f", c.PerSecond.Min, c.PerSecond.Max),
			fmt.Sprintf("%.3f", c.ServerCPUPerDeliveryUs), fmt.Sprint(c.Lost), fmt.Sprint(c.Dropped), fmt.Sprintf("%.1f", c.PeakRSSMB), redoneCell(c.Redone, 0)})
	}
	return []table{side, cost, full, chat}
}

func rateCell(e homelandEchoRow) string {
	if e.Runs == 0 {
		return "failed"
	}
	return fmt.Sprintf("%.0f", e.PerSecond.Median)
}

func ratioCell(e homelandEchoRow) string {
	if e.VsGoNet.Median == 0 {
		return "-"
	}
	if e.Server == goNet {
		return "1.00"
	}
	return fmt.Sprintf("%.2f (%.2f–%.2f)", e.VsGoNet.Median, e.VsGoNet.Min, e.VsGoNet.Max)
}

func redoneCell(redone, noisy int) string {
	if noisy > 0 {
		return fmt.Sprintf("%d, %d noisy", redone, noisy)
	}
	return fmt.Sprint(redone)
}

// printHomelands prints the tables, what was left out, and what failed.
func printHomelands(w io.Writer, r *homelandsResults) {
	for _, t := range homelandTables(r) {
		printTable(w, t)
	}
	for _, m := range r.Missing {
		fmt.Fprintf(w, "left out: %s\n", m)
	}
	for _, f := range r.Failures {
		fmt.Fprintf(w, "FAILED: %s\n", f)
	}
}

// writeHomelandsReport writes dir/results.json, the charts and
// dir/README.md, as compare's report does.
func writeHomelandsReport(dir string, r *homelandsResults) error {
	return writeReportDir(dir, r,
		func() ([]chart, error) { return writeHomelandCharts(dir, r) },
		func(charts []chart) string { return homelandsMarkdown(r, charts) })
}

func homelandsMarkdown(r *homelandsResults, charts []chart) string {
	var b strings.Builder
	s := r.Settings
	fmt.Fprintf(&b, "# loopkit compare --homelands\n\n%s, %s/%s, %d CPUs, %s; %d rounds; echo windows of %s after %s of warm-up, %d-byte messages; took %.0f s.\n",
		s.GoVersion, s.OS, s.Arch, s.CPUs, s.Date, s.Rounds, s.Window, s.Warmup, s.MessageBytes, s.Seconds)
	var vs []string
	for _, name := range slices.Sorted(maps.Keys(s.Versions)) {
		vs = append(vs, name+" "+s.Versions[name])
	}
	fmt.Fprintf(&b, "\nVersions: %s.\n", strings.Join(vs, ", "))
	place := "Server and client shared the one CPU."
	if s.Pinned {
		place = fmt.Sprintf("Each server was pinned to CPU %d, the client to CPU %d.", s.ServerCPU, s.ClientCPU)
	}
	fmt.Fprintf(&b, "\n%s The echo client is one thread on epoll; the chat client is compare's, on Go's net. Every run had a fresh server, began once the machine was quiet, and was redone (up to %d times) if other processes took more than %.2f CPUs during it.\n", place, redoLimit, s.MaxOther)
	for _, t := range homelandTables(r) {
		markdownTable(&b, t)
	}
	if len(charts) > 0 {
		b.WriteString("\n## Charts\n")
		for _, c := range charts {
			fmt.Fprintf(&b, "\n### %s\n\n![%s](%s)\n", c.title, c.title, c.file)
		}
	}
	for _, m := range r.Missing {
		fmt.Fprintf(&b, "\nLeft out: %s.\n", m)
	}
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "\nFAILED: %s\n", f)
	}
	return b.String()
}

// writeHomelandCharts draws round trips/s at each connection count, the
// server's CPU per round trip, and the chat's deliveries/s.
func writeHomelandCharts(dir string, r *homelandsResults) ([]chart, error) {
	servers := distinct(r.Echo, func(e homelandEchoRow) string { return e.Server })
	conns := distinct(r.Echo, func(e homelandEchoRow) int { return e.Conns })
	echoSeries := func(value func(homelandEchoRow) float64, counts []int) []series {
		var out []series
		for _, n := range counts {
			s := series{name: fmt.Sprintf("%d conns", n)}
			for _, name := range servers {
				e, _ := find(r.Echo, func(e homelandEchoRow) bool { return e.Server == name && e.Conns == n })
				s.values = append(s.values, value(e))
			}
			out = append(out, s)
		}
		return out
	}
	busy := slices.DeleteFunc(slices.Clone(conns), func(n int) bool { return n < 100 })
	chatServers := distinct(r.Chat, func(c homelandChatRow) string { return c.Server })
	var chatSeries []series
	for _, sc := range distinct(r.Chat, func(c homelandChatRow) string { return c.Scenario }) {
		s := series{name: sc}
		for _, name := range chatServers {
			c, _ := find(r.Chat, func(c homelandChatRow) bool { return c.Server == name && c.Scenario == sc })
			s.values = append(s.values, c.PerSecond.Median)
		}
		chatSeries = append(chatSeries, s)
	}
	steps := []struct {
		file, title string
		categories  []string
		ss          []series
		unit        string
	}{
		{"echo-throughput.svg", "echo: round trips per second, median over rounds (more is better)", servers,
			echoSeries(func(e homelandEchoRow) float64 { return e.PerSecond.Median }, conns), "round trips/s"},
		{"echo-cpu.svg", "echo: server CPU per round trip (less is better)", servers,
			echoSeries(func(e homelandEchoRow) float64 { return e.ServerCPUPerRTus }, busy), "µs of CPU"},
		{"chat.svg", fmt.Sprintf("chat: lines delivered per second, %d users (more is better)", r.Settings.ChatUsers), chatServers, chatSeries, "deliveries/s"},
	}
	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	plotter.DefaultFont = plot.DefaultFont
	var out []chart
	for _, s := range steps {
		p := bars(s.title, s.unit, s.categories, s.ss)
		if p == nil {
			continue
		}
		rows := len(s.categories) * len(s.ss)
		if err := save(p, 9*vg.Inch, vg.Length(1.6+0.32*float64(rows))*vg.Inch, filepath.Join(dir, s.file)); err != nil {
			return out, fmt.Errorf("chart %s: %w", s.file, err)
		}
		out = append(out, chart{title: s.title, file: s.file})
	}
	return out, nil
}
