package main

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
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
		}, false, false},
		{"no idle fds (--idle 0,100)", []pollFigures{
			{Backend: "epoll", Idle: 0, NsPerIteration: 800},
			{Backend: "epoll", Idle: 100, NsPerIteration: 8100},
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
			if diff := gocmp.Diff([2]bool{tt.logX, tt.logY}, [2]bool{logX, logY}); diff != "" {
				t.Errorf("log scale on the x and y axes (-want +got):\n%s", diff)
			}
			dir := t.TempDir()
			charts, err := drawCharts(dir, &results{PollCost: tt.figs})
			if err != nil {
				t.Fatalf("writeCharts: %v", err)
			}
			if diff := gocmp.Diff([]chart{{title: "poll cost per iteration vs idle fds", file: "poll-cost.svg"}}, charts, gocmp.AllowUnexported(chart{})); diff != "" {
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

func TestSpansDecade(t *testing.T) {
	tests := []struct {
		values []float64
		want   bool
	}{
		{nil, false},
		{[]float64{1}, false},
		{[]float64{1, 1}, false},
		{[]float64{0, 10}, false},
		{[]float64{-1, 10}, false},
		{[]float64{484, 500, 497}, false},
		{[]float64{1, 9.9}, false},
		{[]float64{1, 10}, true},
		{[]float64{10, 1000, 100}, true},
	}
	for _, tt := range tests {
		if got := spansDecade(tt.values); got != tt.want {
			t.Errorf("spansDecade(%v) = %v, want %v", tt.values, got, tt.want)
		}
	}
}

// TestPollChartLabelsItsAxes draws poll-cost.svg and reads its text back:
// the y axis has labelled ticks whether its figures lie within a decade
// (linear, from 0) or span several (log, from decade to decade), and the
// last x label ends inside the picture.
func TestPollChartLabelsItsAxes(t *testing.T) {
	idle := []int{1, 10, 100, 1000}
	figures := func(backend string, ns ...float64) []pollFigures {
		var out []pollFigures
		for i, v := range ns {
			out = append(out, pollFigures{Backend: backend, Idle: idle[i], NsPerIteration: v})
		}
		return out
	}
	tests := []struct {
		name    string
		figs    []pollFigures
		yLabels []string // the first and last labels of the y axis
	}{
		{"within one decade", figures("epoll", 497, 500, 484, 484), []string{"0", "600"}},
		{"over three decades", append(figures("epoll", 480, 500, 470, 1200), figures("select", 1900, 12000, 68000, 440000)...), []string{"100", "1000000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if _, err := drawCharts(dir, &results{PollCost: tt.figs}); err != nil {
				t.Fatal(err)
			}
			svg, err := os.ReadFile(filepath.Join(dir, "poll-cost.svg"))
			if err != nil {
				t.Fatal(err)
			}
			width, texts := readSVG(t, svg)
			xLabels, yLabels := tickLabels(texts)
			if len(yLabels) < 2 {
				t.Fatalf("y axis labels %v, want at least two", yLabels)
			}
			ends := []string{yLabels[0].text, yLabels[len(yLabels)-1].text}
			if diff := gocmp.Diff(tt.yLabels, ends); diff != "" {
				t.Errorf("first and last y labels (-want +got):\n%s", diff)
			}
			last := xLabels[len(xLabels)-1]
			// 0.65 em a digit is wider than the digits of the fonts a
			// viewer may draw instead of Liberation (DejaVu's are 0.64).
			if end := last.x + 0.65*last.size*float64(len(last.text)); last.text != "1000" || end > width {
				t.Errorf("last x label %q ends near x = %.1f, want \"1000\" ending within the width, %.1f", last.text, end, width)
			}
		})
	}
}

// An svgText is a <text> element of an SVG that gonum wrote: where it
// starts, its font size, and what it says.
type svgText struct {
	x, y, size float64
	text       string
}

var (
	svgWidthRE = regexp.MustCompile(`<svg width="([0-9.]+)pt"`)
	svgTextRE  = regexp.MustCompile(`(?s)<text x="([-0-9.e]+)" y="([-0-9.e]+)"[^>]*font-size:([0-9.]+)px">([^<]*)</text>`)
)

// readSVG returns the width of svg in points and its texts.
func readSVG(t *testing.T, svg []byte) (float64, []svgText) {
	t.Helper()
	m := svgWidthRE.FindSubmatch(svg)
	if m == nil {
		t.Fatalf("no <svg width=...pt> in\n%s", svg)
	}
	width, _ := strconv.ParseFloat(string(m[1]), 64)
	var texts []svgText
	for _, m := range svgTextRE.FindAllSubmatch(svg, -1) {
		var st svgText
		st.x, _ = strconv.ParseFloat(string(m[1]), 64)
		st.y, _ = strconv.ParseFloat(string(m[2]), 64)
		st.size, _ = strconv.ParseFloat(string(m[3]), 64)
		st.text = string(m[4])
		texts = append(texts, st)
	}
	return width, texts
}

// tickLabels sorts out the numbers among texts: those in the lowest row
// (gonum's y grows upwards) label the x axis, left to right; the others
// label the y axis, bottom to top.
func tickLabels(texts []svgText) (x, y []svgText) {
	var numbers []svgText
	for _, st := range texts {
		if _, err := strconv.ParseFloat(st.text, 64); err == nil {
			numbers = append(numbers, st)
		}
	}
	if len(numbers) == 0 {
		return nil, nil
	}
	bottom := slices.MaxFunc(numbers, func(a, b svgText) int { return cmp.Compare(a.y, b.y) }).y
	for _, st := range numbers {
		if st.y == bottom {
			x = append(x, st)
		} else {
			y = append(y, st)
		}
	}
	slices.SortFunc(x, func(a, b svgText) int { return cmp.Compare(a.x, b.x) })
	slices.SortFunc(y, func(a, b svgText) int { return cmp.Compare(b.y, a.y) })
	return x, y
}
