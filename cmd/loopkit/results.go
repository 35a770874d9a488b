package main

import (
	"fmt"
	"slices"
)

// results is everything compare measured: what results.json holds.
type results struct {
	Settings settings        `json:"settings"`
	Code     []codeFigures   `json:"code"`
	PollCost []pollFigures   `json:"poll_cost"`
	Echo     []echoRun       `json:"echo"`
	Servers  []serverFigures `json:"echo_servers"`
	Chat     []chatRun       `json:"chat"`
	Fetch    []fetchRun      `json:"fetch"`
	Loops    []echoRun       `json:"loops"`
	Notes    []string        `json:"notes,omitempty"`
	Failures []string        `json:"failures,omitempty"`
}

// settings are the conditions of a run.
type settings struct {
	Full         bool    `json:"full"`
	Warmup       string  `json:"warmup"`
	Window       string  `json:"window"`
	EchoRounds   int     `json:"echo_rounds"` // echo's rounds share the warm-up and the window
	MessageBytes int     `json:"echo_message_bytes"`
	ChatUsers    int     `json:"chat_users"`
	URLs         int     `json:"fetch_urls"`
	Pool         int     `json:"fetch_pool"`
	Delay        string  `json:"fetch_server_delay"`
	GoVersion    string  `json:"go_version"`
	OS           string  `json:"os"`
	Arch         string  `json:"arch"`
	CPUs         int     `json:"cpus"`
	Date         string  `json:"date"`
	Seconds      float64 `json:"seconds"`
}

// pollFigures is the cost of one loop iteration on a backend with idle fds.
type pollFigures struct {
	Backend        string  `json:"backend"`
	Idle           int     `json:"idle_fds"`
	NsPerIteration float64 `json:"ns_per_iteration"`
	Error          string  `json:"error,omitempty"`
}

// echoRun is one echo load against one server. In compare's echo table
// it sums up the rounds: Rounds is the spread of round trips per second
// over them, and the other figures are those of the median round.
type echoRun struct {
	server
	Conns int `json:"conns"`
	Loops int `json:"loops"`
	echoFigures
	Rounds            spread  `json:"round_trips_per_second_over_rounds,omitzero"`
	ServerCPU         float64 `json:"server_cpus"`          // CPUs the server used over the window
	CPUPerRoundTripUs float64 `json:"server_cpu_per_rt_us"` // the server's CPU time per round trip
	Error             string  `json:"error,omitempty"`
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

// serverFigures is what an echo server cost over its whole run.
type serverFigures struct {
	server
	Program    string  `json:"program"`
	CPUSeconds float64 `json:"cpu_seconds"`
	PeakRSSMB  float64 `json:"peak_rss_mb"`
}

// chatRun is one chat scenario played against one server.
type chatRun struct {
	server
	Scenario string `json:"scenario"`
	Users    int    `json:"users"`
	chatFigures
	PeakRSSMB float64 `json:"peak_rss_mb"`
	Error     string  `json:"error,omitempty"`
}

// fetchRun is one fetch of the URL list.
type fetchRun struct {
	server
	URLs        int     `json:"urls"`
	Pool        int     `json:"pool"`
	DelayMs     float64 `json:"server_delay_ms"`
	WallMs      float64 `json:"wall_ms"`
	MaxInFlight int     `json:"max_in_flight"`
	Failed      int     `json:"failed"`
}

// note records something the reader of the report should know.
func (r *results) note(format string, args ...any) {
	r.Notes = append(r.Notes, fmt.Sprintf(format, args...))
}

// fail records a measure that went wrong: compare exits with status 1.
func (r *results) fail(format string, args ...any) {
	r.Failures = append(r.Failures, fmt.Sprintf(format, args...))
}
