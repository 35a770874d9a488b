package main

import (
	"cmp"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// A chart is one SVG file of the report.
type chart struct {
	title string
	file  string
}

// A series is one set of bars (or one line) of a chart, with a legend
// name.
type series struct {
	name   string
	values []float64
}

// writeCharts draws the charts the results have data for into dir.
//
// They are drawn with gonum.org/v1/plot, the plotting library of the Gonum
// project, which writes SVG with its fonts embedded in the binary: no
// browser, no network, no font installed. Bars are horizontal so that the
// server names read without tilting your head, in a room, on a projector.
func writeCharts(dir string, r *results) ([]chart, error) {
	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	var out []chart
	add := func(file, title string, p *plot.Plot, rows int) error {
		if p == nil {
			return nil
		}
		height := vg.Length(1.6+0.32*float64(rows)) * vg.Inch
		if err := save(p, 9*vg.Inch, height, filepath.Join(dir, file)); err != nil {
			return fmt.Errorf("chart %s: %w", file, err)
		}
		out = append(out, chart{title: title, file: file})
		return nil
	}
	echoServers := distinct(r.Echo, func(e echoRun) server { return e.server })
	names := serverNames(echoServers)
	conns := distinct(r.Echo, func(e echoRun) int { return e.Conns })
	steps := []struct {
		file, title string
		p           *plot.Plot
		rows        int
	}{
		{"echo-throughput.svg", "echo: round trips per second", bars("echo: round trips per second (more is better)", "round trips/s", names,
			echoSeries(r.Echo, echoServers, conns, func(e echoRun) float64 { return e.PerSecond })), len(names) * len(conns)},
		{"echo-latency.svg", "echo: latency at 100 connections", bars("echo: latency at 100 connections (less is better)", "µs", names, []series{
			{"p50", echoValues(r.Echo, echoServers, 100, func(e echoRun) float64 { return e.P50us })},
			{"p99", echoValues(r.Echo, echoServers, 100, func(e echoRun) float64 { return e.P99us })},
		}), len(names) * 2},
		{"echo-cpu.svg", "echo: server CPU per round trip at 100 connections", bars("echo: server CPU per round trip at 100 connections (less is better)", "µs of CPU", names, []series{
			{"CPU per round trip", echoValues(r.Echo, echoServers, 100, func(e echoRun) float64 { return e.CPUPerRoundTripUs })},
		}), len(names)},
		{"echo-memory.svg", "echo: peak memory of each server", bars("echo: peak resident memory over the whole run (less is better)", "MB", names, []series{
			{"peak RSS", serverValues(r.Servers, echoServers)},
		}), len(names)},
		{"chat.svg", "chat: messages delivered per second", chatChart(r), len(r.Chat)},
		{"fetch.svg", "fetch: wall time", fetchChart(r), len(r.Fetch)},
		{"poll-cost.svg", "poll cost per iteration vs idle fds", pollChart(r.PollCost), 10},
		{"code-lines.svg", "lines of code of each style", codeChart(r.Code, "lines of code of each style's file", "lines", func(c codeFigures) float64 { return float64(c.Lines) }), len(r.Code)},
		{"code-nesting.svg", "deepest nesting of each style", codeChart(r.Code, "deepest nesting of each style's file", "levels", func(c codeFigures) float64 { return float64(c.Depth) }), len(r.Code)},
	}
	for _, s := range steps {
		if len(names) == 0 && s.file[:4] == "echo" {
			continue
		}
		if err := add(s.file, s.title, s.p, s.rows); err != nil {
			return out, err
		}
	}
	return out, nil
}

// chartMargin is the blank border of a chart. gonum fits the labels to
// the canvas by the metrics of its own Liberation font, to the point; a
// viewer without that font draws them in a wider one, and "1000" at the
// right end of an axis lost its last digit.
const chartMargin vg.Length = 12 // points

// save writes p as an SVG of w × h, margins included.
func save(p *plot.Plot, w, h vg.Length, file string) error {
	c := vgsvg.New(w, h)
	p.Draw(draw.Crop(draw.New(c), chartMargin, -chartMargin, chartMargin, -chartMargin))
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// bars draws horizontal bars, one group per category (top to bottom in the
// order given), one bar per series in each group.
func bars(title, unit string, categories []string, ss []series) *plot.Plot {
	if len(categories) == 0 || len(ss) == 0 {
		return nil
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = unit
	p.X.Min, p.X.Tick.Marker = 0, plainTicks(plot.DefaultTicks{})
	width := vg.Points(min(14, 140/float64(len(ss))))
	rev := slices.Clone(categories)
	slices.Reverse(rev)
	for i, s := range ss {
		vals := slices.Clone(s.values)
		slices.Reverse(vals)
		b, err := plotter.NewBarChart(plotter.Values(vals), width)
		if err != nil {
			continue
		}
		b.Horizontal = true
		b.Color = plotutil.Color(i)
		b.LineStyle.Width = 0
		b.Offset = width * vg.Length(float64(len(ss)-1)/2-float64(i))
		p.Add(b)
		if len(ss) > 1 {
			p.Legend.Add(s.name, b)
		}
	}
	p.Legend.Top = true
	p.NominalY(rev...)
	return p
}

func serverNames(ss []server) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.String()
	}
	return out
}

// echoSeries makes one series per connection count.
func echoSeries(runs []echoRun, servers []server, conns []int, value func(echoRun) float64) []series {
	var out []series
	for _, n := range conns {
		out = append(out, series{fmt.Sprintf("%d conns", n), echoValues(runs, servers, n, value)})
	}
	return out
}

// echoValues returns value of each server's run at conns connections (0 for
// none, or a failed one).
func echoValues(runs []echoRun, servers []server, conns int, value func(echoRun) float64) []float64 {
	out := make([]float64, len(servers))
	for i, s := range servers {
		if e, ok := find(runs, func(e echoRun) bool { return e.server == s && e.Conns == conns && e.Error == "" }); ok {
			out[i] = value(e)
		}
	}
	return out
}

func serverValues(figs []serverFigures, servers []server) []float64 {
	out := make([]float64, len(servers))
	for i, s := range servers {
		if f, ok := find(figs, func(f serverFigures) bool { return f.server == s }); ok {
			out[i] = f.PeakRSSMB
		}
	}
	return out
}

func chatChart(r *results) *plot.Plot {
	var names []string
	var vals []float64
	for _, c := range r.Chat {
		names = append(names, c.server.String())
		vals = append(vals, c.PerSecond)
	}
	return bars(fmt.Sprintf("chat: lines delivered per second, %d users (more is better)", r.Settings.ChatUsers), "deliveries/s", names, []series{{"deliveries/s", vals}})
}

func fetchChart(r *results) *plot.Plot {
	var names []string
	var vals []float64
	for _, f := range r.Fetch {
		names = append(names, f.server.String())
		vals = append(vals, f.WallMs)
	}
	return bars(fmt.Sprintf("fetch: %d URLs through a pool of %d, %s each (less is better)", r.Settings.URLs, r.Settings.Pool, r.Settings.Delay), "ms", names, []series{{"wall time", vals}})
}

// pollChart draws ns per iteration against idle fds, one line per backend.
// Each axis is logarithmic where its figures span a decade or more, from
// the power of ten below them to the one above, so that both ends carry a
// label: there a flat line costs nothing per idle fd, a line at 45 degrees
// the same for each. Otherwise the axis is linear from 0, so that noise of
// a few per cent looks like a few per cent, not like a cliff.
func pollChart(figs []pollFigures) *plot.Plot {
	if len(figs) == 0 {
		return nil
	}
	p := plot.New()
	p.Title.Text = "poll cost per loop iteration vs idle fds watched (less is better)"
	p.X.Label.Text = "idle fds"
	p.Y.Label.Text = "ns per iteration"
	p.Legend.Top = true
	p.Legend.Left = true
	var xs, ys []float64
	for i, b := range distinct(figs, func(f pollFigures) string { return f.Backend }) {
		pts := pollPoints(figs, b)
		if len(pts) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(pts)
		if err != nil {
			continue
		}
		line.Color, points.Color = plotutil.Color(i), plotutil.Color(i)
		line.Width = vg.Points(2)
		points.Shape = plotutil.Shape(i)
		p.Add(line, points)
		p.Legend.Add(b, line, points)
		for _, pt := range pts {
			xs, ys = append(xs, pt.X), append(ys, pt.Y)
		}
	}
	scaleAxis(&p.X, xs, 1)
	scaleAxis(&p.Y, ys, legendRoom)
	return p
}

// pollPoints returns the figures of backend that were measured: idle fds
// against ns per iteration.
func pollPoints(figs []pollFigures, backend string) plotter.XYs {
	var pts plotter.XYs
	for _, f := range figs {
		if f.Backend == backend && f.Error == "" && f.NsPerIteration > 0 {
			pts = append(pts, plotter.XY{X: float64(f.Idle), Y: f.NsPerIteration})
		}
	}
	return pts
}

// legendRoom is how far above the highest figure the y axis of a line
// chart reaches, leaving the legend in the top left corner a place of its
// own.
const legendRoom = 1.3

// scaleAxis makes an axis logarithmic from decade to decade if its values
// span a decade (see spansDecade), or else linear from 0. It reaches at
// least top times the largest value.
func scaleAxis(a *plot.Axis, values []float64, top float64) {
	if len(values) == 0 {
		return
	}
	if !spansDecade(values) {
		a.Min, a.Max, a.Tick.Marker = 0, top*slices.Max(values), plainTicks(plot.DefaultTicks{})
		return
	}
	a.Scale, a.Tick.Marker = plot.LogScale{}, plainTicks(plot.LogTicks{})
	a.Min = math.Pow10(int(math.Floor(math.Log10(slices.Min(values)))))
	a.Max = math.Pow10(int(math.Ceil(math.Log10(top * slices.Max(values)))))
}

// plainTicks labels the ticks of m as plain numbers: 25000 rather than
// 25000.00, 1000000 rather than 1e+06.
func plainTicks(m plot.Ticker) plot.Ticker {
	return plot.TickerFunc(func(min, max float64) []plot.Tick {
		ticks := m.Ticks(min, max)
		for i, t := range ticks {
			if t.Label != "" {
				ticks[i].Label = strconv.FormatFloat(t.Value, 'f', -1, 64)
			}
		}
		return ticks
	})
}

// spansDecade reports whether values call for a log axis: every value above
// 0 (a log scale has no place for 0), and the largest at least ten times
// the smallest. Closer values read better on a linear axis from 0.
func spansDecade(values []float64) bool {
	if len(values) == 0 || slices.Min(values) <= 0 {
		return false
	}
	return slices.Max(values) >= 10*slices.Min(values)
}

// codeChart draws one bar per program and style.
func codeChart(code []codeFigures, title, unit string, value func(codeFigures) float64) *plot.Plot {
	styles := distinct(code, func(c codeFigures) string { return c.Style })
	programs := distinct(code, func(c codeFigures) string { return c.Program })
	var ss []series
	for _, prog := range programs {
		vals := make([]float64, len(styles))
		for i, st := range styles {
			if c, ok := find(code, func(c codeFigures) bool { return c.Program == prog && c.Style == st }); ok {
				vals[i] = value(c)
			}
		}
		ss = append(ss, series{prog, vals})
	}
	slices.SortStableFunc(ss, func(a, b series) int { return cmp.Compare(a.name, b.name) })
	return bars(title, unit, styles, ss)
}
