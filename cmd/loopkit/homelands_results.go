//go:build linux

package main

import (
	"fmt"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
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
	Syscalls     bool              `json:"syscalls_counted"`
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
		ChatUsers: o.chatUsers, MaxOther: o.maxOther, Syscalls: o.syscalls, Pinned: p.pinned, ServerCPU: p.server, ClientCPU: p.client,
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
	SyscallsPerRT    float64 `json:"syscalls_per_rt,omitempty"` // with --syscalls
	OtherCPU         float64 `json:"other_cpus"`                // what other processes took meanwhile
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
	SyscallsPerRT    float64 `json:"syscalls_per_rt,omitempty"`
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
	row.SyscallsPerRT = medianOf(runs, func(e homelandEchoRun) float64 { return e.SyscallsPerRT })
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
