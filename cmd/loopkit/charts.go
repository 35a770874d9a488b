package main

import (
	"bytes"
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
// name, or else a note to write at the end of each bar, which names it.
type series struct {
	name   string
	values []float64
	notes  []string
}

// writeCharts draws the charts the results have data for into dir.
//
// They are drawn with gonum.org/v1/plot, the plotting library of the Gonum
// project, which writes SVG with its fonts embedded in the binary: no
// browser, no network, no font installed. Bars are horizontal so that the
// server names read without tilting your head, in a room, on a projector.
func writeCharts(dir string, r *results) ([]chart, error) {
	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	plotter.DefaultFont = plot.DefaultFont
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
		{"echo-throughput.svg", "echo: round trips per second", bars("echo: round trips per second, median of the rounds (more is better)", "round trips/s", names,
			echoSeries(r.Echo, echoServers, conns, func(e echoRun) float64 { return e.Rounds.Median })), len(names) * len(conns)},
		{"echo-latency.svg", "echo: latency at 100 connections", bars("echo: latency at 100 connections (less is better)", "µs", names, []series{
			{name: "p50", values: echoValues(r.Echo, echoServers, 100, func(e echoRun) float64 { return e.P50us })},
			{name: "p99", values: echoValues(r.Echo, echoServers, 100, func(e echoRun) float64 { return e.P99us })},
		}), len(names) * 2},
		{"echo-cpu.svg", "echo: server CPU per round trip at 100 connections", bars("echo: server CPU per round trip at 100 connections (less is better)", "µs of CPU", names, []series{
			{name: "CPU per round trip", values: echoValues(r.Echo, echoServers, 100, func(e echoRun) float64 { return e.CPUPerRoundTripUs })},
		}), len(names)},
		{"echo-memory.svg", "echo: peak memory of each server", bars("echo: peak resident memory over the whole run (less is better)", "MB", names, []series{
			{name: "peak RSS", values: serverValues(r.Servers, echoServers)},
		}), len(names)},
		{"chat.svg", "chat: lines delivered per second", chatChart(r), len(r.Chat)},
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
// viewer without that font (nor Arial: see chartFonts) draws them in
// another, often wider, and the label at the end of an axis would run off
// the picture.
const chartMargin vg.Length = 12 // points

// chartFonts is the font-family of every text of a chart: gonum's own
// Liberation Sans, then Arial, which has the same metrics, and Helvetica,
// so that a viewer without Liberation draws the labels the size gonum laid
// them out, and not in its default serif font.
const chartFonts = "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"

// save writes p as an SVG of w × h, margins included.
func save(p *plot.Plot, w, h vg.Length, file string) error {
	c := vgsvg.New(w, h)
	p.Draw(draw.Crop(draw.New(c), chartMargin, -chartMargin, chartMargin, -chartMargin))
	var svg bytes.Buffer
	if _, err := c.WriteTo(&svg); err != nil {
		return err
	}
	return os.WriteFile(file, bytes.ReplaceAll(svg.Bytes(), []byte("font-family:Liberation Sans;"), []byte(chartFonts)), 0o644)
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
		if len(ss) > 1 && s.notes == nil {
			p.Legend.Add(s.name, b)
		}
		notes := slices.Clone(s.notes)
		slices.Reverse(notes)
		if labels := barNotes(vals, notes, b.Offset); labels != nil {
			p.Add(labels)
		}
	}
	p.X.Max *= barRoom
	p.Legend.Top = true
	p.NominalY(rev...)
	return p
}

// barRoom is how much longer than the longest bar the axis is: the room
// left holds the legend in the top right corner, and the notes, which a
// viewer may draw in a wider font than the one gonum measured them in.
const barRoom = 1.2

// barNotes writes each note just past the end of its bar, which is offset
// from its category's line; nil if there are none.
func barNotes(values []float64, notes []string, offset vg.Length) *plotter.Labels {
	if !slices.ContainsFunc(notes, func(n string) bool { return n != "" }) {
		return nil
	}
	at := plotter.XYLabels{XYs: make(plotter.XYs, len(notes)), Labels: notes}
	for i := range notes {
		at.XYs[i] = plotter.XY{X: values[i], Y: float64(i)}
	}
	l, err := plotter.NewLabels(at)
	if err != nil {
		return nil
	}
	l.Offset = vg.Point{X: 4, Y: offset - 4}
	return l
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
		out = append(out, series{name: fmt.Sprintf("%d conns", n), values: echoValues(runs, servers, n, value)})
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

// chatChart draws each scenario's deliveries per second on each server,
// each bar labelled with its scenario and what it lost: on a projector, a
// label beside the bar reads better than a legend in a corner, which the
// longest bars would run under.
func chatChart(r *results) *plot.Plot {
	servers := distinct(r.Chat, func(c chatRun) server { return c.server })
	var ss []series
	for _, sc := range distinct(r.Chat, func(c chatRun) string { return c.Scenario }) {
		s := series{name: sc, values: make([]float64, len(servers)), notes: make([]string, len(servers))}
		for i, srv := range servers {
			if c, ok := find(r.Chat, func(c chatRun) bool { return c.server == srv && c.Scenario == sc && c.Error == "" }); ok {
				s.values[i], s.notes[i] = c.PerSecond, chatNote(c)
			}
		}
		ss = append(ss, s)
	}
	return bars(fmt.Sprintf("chat: lines delivered per second, %d users (more is better)", r.Settings.ChatUsers), "deliveries/s", serverNames(servers), ss)
}

// chatNote names a run's scenario and says what it lost, if anything.
func chatNote(c chatRun) string {
	note := c.Scenario
	if c.Dropped > 0 {
		note += fmt.Sprintf(", %d of %d readers dropped", c.Dropped, c.Users)
	}
	if c.Lost > 0 {
		note += fmt.Sprintf(", %d lines lost", c.Lost)
	}
	return note
}

func fetchChart(r *results) *plot.Plot {
	var names []string
	var vals []float64
	for _, f := range r.Fetch {
		names = append(names, f.server.String())
		vals = append(vals, f.WallMs)
	}
	return bars(fmt.Sprintf("fetch: %d URLs through a pool of %d, %s each (less is better)", r.Settings.URLs, r.Settings.Pool, r.Settings.Delay), "ms", names, []series{{name: "wall time", values: vals}})
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
		ss = append(ss, series{name: prog, values: vals})
	}
	slices.SortStableFunc(ss, func(a, b series) int { return cmp.Compare(a.name, b.name) })
	return bars(title, unit, styles, ss)
}
