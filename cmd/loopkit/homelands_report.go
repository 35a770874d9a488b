//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// homelandsResults is everything a homelands run measured: what its
// results.json holds. Echo and Chat sum up the rounds; EchoRuns and
// ChatRuns are every run, as it happened.
type homelandsResults struct {
	Settings homelandsSettings `json:"settings"`
	Missing  []string          `json:"left_out,omitempty"`
	Echo     []homelandEchoRow `json:"echo"`
	Chat     []homelandChatRow `json:"chat"`
	EchoRuns []homelandEchoRun `json:"echo_runs"`
	ChatRuns []homelandChatRun `json:"chat_runs"`
	Failures []string          `json:"failures,omitempty"`
}

// homelandsSettings are the conditions of a homelands run.
type homelandsSettings struct {
	Rounds       int               `json:"rounds"`
	Warmup       string            `json:"warmup"`
	Window       string            `json:"window"`
	MessageBytes int               `json:"echo_message_bytes"`
	ChatUsers    int               `json:"chat_users"`
	MaxOther     float64           `json:"max_other_cpus"`
	Pinned       bool              `json:"pinned"`
	ServerCPU    int               `json:"server_cpu"`
	ClientCPU    int               `json:"client_cpu"`
	GoVersion    string            `json:"go_version"`
	OS           string            `json:"os"`
	Arch         string            `json:"arch"`
	CPUs         int               `json:"cpus"`
	Date         string            `json:"date"`
	Seconds      float64           `json:"seconds"`
	Versions     map[string]string `json:"versions"`
}

func homelandsSettingsOf(o homelandsOptions, p placement) homelandsSettings {
	return homelandsSettings{
		Rounds: o.rounds, Warmup: o.warmup.String(), Window: o.window.String(), MessageBytes: o.size,
		ChatUsers: o.chatUsers, MaxOther: o.maxOther, Pinned: p.pinned, ServerCPU: p.server, ClientCPU: p.client,
		GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(),
		Date: time.Now().UTC().Format(time.RFC3339), Versions: versions(),
	}
}

// versions asks each runtime that is present for its version, for the
// report: a figure means little without them.
func versions() map[string]string {
	py := pythonPath()
	ask := map[string][]string{
		"node":   {"node", "--version"},
		"python": {py, "-c", "import sys; print(sys.version.split()[0])"},
		"gevent": {py, "-c", "import gevent; print(gevent.__version__)"},
		"uvloop": {py, "-c", "import uvloop; print(uvloop.__version__)"},
		"gcc":    {"gcc", "-dumpfullversion"},
		"kernel": {"uname", "-r"},
	}
	out := map[string]string{}
	for name, argv := range ask {
		if v, err := exec.Command(argv[0], argv[1:]...).Output(); err == nil {
			out[name] = strings.TrimSpace(string(v))
		}
	}
	return out
}

// homelandEchoRun is one echo load on one fresh server.
type homelandEchoRun struct {
	Server string `json:"server"`
	Conns  int    `json:"conns"`
	Round  int    `json:"round"`
	epollFigures
	ServerCPU        float64 `json:"server_cpus"`
	ServerCPUPerRTus float64 `json:"server_cpu_per_rt_us"`
	OtherCPU         float64 `json:"other_cpus"` // what other processes took meanwhile
	PeakRSSMB        float64 `json:"peak_rss_mb"`
	Redone           int     `json:"redone"` // times it was run again because others took CPU
	Noisy            bool    `json:"noisy"`  // others took CPU on the last try too
	Error            string  `json:"error,omitempty"`
}

// homelandChatRun is one chat scenario on one fresh server.
type homelandChatRun struct {
	Server   string `json:"server"`
	Scenario string `json:"scenario"`
	Users    int    `json:"users"`
	Round    int    `json:"round"`
	chatFigures
	ServerCPU              float64 `json:"server_cpus"`
	ServerCPUPerDeliveryUs float64 `json:"server_cpu_per_delivery_us"`
	OtherCPU               float64 `json:"other_cpus"`
	PeakRSSMB              float64 `json:"peak_rss_mb"`
	Redone                 int     `json:"redone"`
	Noisy                  bool    `json:"noisy"`
	Error                  string  `json:"error,omitempty"`
}

// A spread is the median of a figure over the rounds, and its range.
type spread struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

func spreadOf(xs []float64) spread {
	if len(xs) == 0 {
		return spread{}
	}
	s := slices.Sorted(slices.Values(xs))
	return spread{Median: median(s), Min: s[0], Max: s[len(s)-1]}
}

// median of sorted values; the mean of the middle two for an even count.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}

func medianOf[T any](runs []T, value func(T) float64) float64 {
	xs := make([]float64, len(runs))
	for i, r := range runs {
		xs[i] = value(r)
	}
	return spreadOf(xs).Median
}

func maxOf[T any](runs []T, value func(T) float64) float64 {
	most := 0.0
	for _, r := range runs {
		most = max(most, value(r))
	}
	return most
}

// homelandEchoRow sums up one server's rounds at one connection count.
// VsGoNet is the median of the ratios to go-net in the same round: steadier
// than the ratio of two medians, since both sides of a ratio then met the
// same state of the machine.
type homelandEchoRow struct {
	Server           string  `json:"server"`
	About            string  `json:"about"`
	Conns            int     `json:"conns"`
	Runs             int     `json:"runs"`
	PerSecond        spread  `json:"round_trips_per_second"`
	VsGoNet          spread  `json:"vs_go_net"`
	P50us            float64 `json:"latency_p50_us"`
	P99us            float64 `json:"latency_p99_us"`
	ServerCPUPerRTus float64 `json:"server_cpu_per_rt_us"`
	ServerCPU        float64 `json:"server_cpus"`
	ClientCPU        float64 `json:"client_cpus"`
	ClientSleeps     float64 `json:"client_sleeps_per_rt"`
	OtherCPU         float64 `json:"other_cpus_max"`
	PeakRSSMB        float64 `json:"peak_rss_mb_max"`
	Redone           int     `json:"redone"`
	Noisy            int     `json:"noisy"`
	Failed           int     `json:"failed"`
}

// homelandChatRow sums up one chat server's rounds of one scenario. Lost
// and dropped are the worst round's.
type homelandChatRow struct {
	Server                 string  `json:"server"`
	About                  string  `json:"about"`
	Scenario               string  `json:"scenario"`
	Runs                   int     `json:"runs"`
	PerSecond              spread  `json:"deliveries_per_second"`
	ServerCPUPerDeliveryUs float64 `json:"server_cpu_per_delivery_us"`
	Lost                   int     `json:"lines_lost_max"`
	Dropped                int     `json:"readers_dropped_max"`
	PeakRSSMB              float64 `json:"peak_rss_mb_max"`
	OtherCPU               float64 `json:"other_cpus_max"`
	Redone                 int     `json:"redone"`
	Failed                 int     `json:"failed"`
}

// summarize makes the rows, in the order of the contenders.
func (r *homelandsResults) summarize(echoes, chats []contender) {
	conns := distinct(r.EchoRuns, func(e homelandEchoRun) int { return e.Conns })
	slices.Sort(conns)
	for _, c := range echoes {
		for _, n := range conns {
			row := echoRowOf(r.EchoRuns, c.name, n)
			row.About = c.about
			r.Echo = append(r.Echo, row)
		}
	}
	for _, sc := range chatScenarios {
		for _, c := range chats {
			row := chatRowOf(r.ChatRuns, c.name, sc.name)
			row.About = c.about
			r.Chat = append(r.Chat, row)
		}
	}
}

func echoRowOf(all []homelandEchoRun, server string, conns int) homelandEchoRow {
	row := homelandEchoRow{Server: server, Conns: conns}
	var runs []homelandEchoRun
	var rates, ratios []float64
	for _, e := range all {
		if e.Server != server || e.Conns != conns {
			continue
		}
		row.Redone += e.Redone
		if e.Error != "" {
			row.Failed++
			continue
		}
		if e.Noisy {
			row.Noisy++
		}
		runs = append(runs, e)
		rates = append(rates, e.PerSecond)
		base, ok := find(all, func(b homelandEchoRun) bool {
			return b.Server == goNet && b.Conns == conns && b.Round == e.Round && b.Error == ""
		})
		if ok && base.PerSecond > 0 {
			ratios = append(ratios, e.PerSecond/base.PerSecond)
		}
	}
	row.Runs = len(runs)
	row.PerSecond, row.VsGoNet = spreadOf(rates), spreadOf(ratios)
	row.P50us = medianOf(runs, func(e homelandEchoRun) float64 { return e.P50us })
	row.P99us = medianOf(runs, func(e homelandEchoRun) float64 { return e.P99us })
	row.ServerCPUPerRTus = medianOf(runs, func(e homelandEchoRun) float64 { return e.ServerCPUPerRTus })
	row.ServerCPU = medianOf(runs, func(e homelandEchoRun) float64 { return e.ServerCPU })
	row.ClientCPU = medianOf(runs, func(e homelandEchoRun) float64 { return e.ClientCPU })
	row.ClientSleeps = medianOf(runs, func(e homelandEchoRun) float64 { return e.ClientSleeps })
	row.OtherCPU = maxOf(runs, func(e homelandEchoRun) float64 { return e.OtherCPU })
	row.PeakRSSMB = maxOf(runs, func(e homelandEchoRun) float64 { return e.PeakRSSMB })
	return row
}

func chatRowOf(all []homelandChatRun, server, scenario string) homelandChatRow {
	row := homelandChatRow{Server: server, Scenario: scenario}
	var runs []homelandChatRun
	var rates []float64
	for _, c := range all {
		if c.Server != server || c.Scenario != scenario {
			continue
		}
		row.Redone += c.Redone
		if c.Error != "" {
			row.Failed++
			continue
		}
		runs = append(runs, c)
		rates = append(rates, c.PerSecond)
		row.Lost, row.Dropped = max(row.Lost, c.Lost), max(row.Dropped, c.Dropped)
	}
	row.Runs = len(runs)
	row.PerSecond = spreadOf(rates)
	row.ServerCPUPerDeliveryUs = medianOf(runs, func(c homelandChatRun) float64 { return c.ServerCPUPerDeliveryUs })
	row.PeakRSSMB = maxOf(runs, func(c homelandChatRun) float64 { return c.PeakRSSMB })
	row.OtherCPU = maxOf(runs, func(c homelandChatRun) float64 { return c.OtherCPU })
	return row
}

func (r *homelandsResults) fail(format string, args ...any) {
	r.Failures = append(r.Failures, fmt.Sprintf(format, args...))
}

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
	for _, n := range conns {
		cost.header = append(cost.header, fmt.Sprintf("server µs/rt @%d", n), fmt.Sprintf("client CPU @%d", n), fmt.Sprintf("client sleeps/rt @%d", n))
	}
	for _, s := range distinct(r.Echo, func(e homelandEchoRow) string { return e.Server }) {
		row := []string{s}
		for _, n := range conns {
			e, _ := find(r.Echo, func(e homelandEchoRow) bool { return e.Server == s && e.Conns == n })
			row = append(row, fmt.Sprintf("%.2f", e.ServerCPUPerRTus), fmt.Sprintf("%.2f", e.ClientCPU), fmt.Sprintf("%.3f", e.ClientSleeps))
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
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	charts, err := writeHomelandCharts(dir, r)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "README.md"), []byte(homelandsMarkdown(r, charts)), 0o644)
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
