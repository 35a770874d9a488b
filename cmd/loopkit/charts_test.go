package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/plot"
)

// TestPollChartDrawsWhatAShortRunMeasured draws the poll-cost chart from
// the figures of short or failed runs, which a log axis cannot show (one
// count of idle fds, 0 idle fds, no figure at all): the chart is written,
// each axis logarithmic only where its figures allow it.
func TestPollChartDrawsWhatAShortRunMeasured(t *testing.T) {
	tests := []struct {
		name       string
		figs       []pollFigures
		logX, logY bool
	}{
		{"idle counts that span a range", []pollFigures{
			{Backend: "epoll", Idle: 10, NsPerIteration: 800},
			{Backend: "epoll", Idle: 1000, NsPerIteration: 820},
			{Backend: "poll", Idle: 10, NsPerIteration: 900},
			{Backend: "poll", Idle: 1000, NsPerIteration: 9000},
		}, true, true},
		{"one idle count (--idle 1)", []pollFigures{
			{Backend: "epoll", Idle: 1, NsPerIteration: 847},
		}, false, false},
		{"one idle count, two backends", []pollFigures{
			{Backend: "epoll", Idle: 1, NsPerIteration: 800},
			{Backend: "select", Idle: 1, NsPerIteration: 900},
		}, false, true},
		{"no idle fds (--idle 0,100)", []pollFigures{
			{Backend: "epoll", Idle: 0, NsPerIteration: 800},
			{Backend: "epoll", Idle: 100, NsPerIteration: 810},
		}, false, true},
		{"every measure failed", []pollFigures{
			{Backend: "select", Idle: 5000, Error: "select: fd 1030 is at or above FD_SETSIZE (1024)"},
		}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pollChart(tt.figs)
			_, logX := p.X.Scale.(plot.LogScale)
			_, logY := p.Y.Scale.(plot.LogScale)
			if diff := cmp.Diff([2]bool{tt.logX, tt.logY}, [2]bool{logX, logY}); diff != "" {
				t.Errorf("log scale on the x and y axes (-want +got):\n%s", diff)
			}
			dir := t.TempDir()
			charts, err := drawCharts(dir, &results{PollCost: tt.figs})
			if err != nil {
				t.Fatalf("writeCharts: %v", err)
			}
			if diff := cmp.Diff([]chart{{title: "poll cost per iteration vs idle fds", file: "poll-cost.svg"}}, charts, cmp.AllowUnexported(chart{})); diff != "" {
				t.Errorf("charts written (-want +got):\n%s", diff)
			}
			if b, err := os.ReadFile(filepath.Join(dir, "poll-cost.svg")); err != nil || !bytes.Contains(b, []byte("<svg")) {
				t.Errorf("poll-cost.svg: %v, not an SVG", err)
			}
		})
	}
}

// drawCharts is writeCharts with a panic of the plotting library turned
// into an error, so that one case that panics does not end the others.
func drawCharts(dir string, r *results) (charts []chart, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return writeCharts(dir, r)
}

func TestLogScaleFits(t *testing.T) {
	tests := []struct {
		values []float64
		want   bool
	}{
		{nil, false},
		{[]float64{1}, false},
		{[]float64{1, 1}, false},
		{[]float64{0, 10}, false},
		{[]float64{-1, 10}, false},
		{[]float64{1, 10}, true},
		{[]float64{10, 1000, 100}, true},
	}
	for _, tt := range tests {
		if got := logScaleFits(tt.values); got != tt.want {
			t.Errorf("logScaleFits(%v) = %v, want %v", tt.values, got, tt.want)
		}
	}
}
