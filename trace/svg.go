package trace

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// WriteSVG draws events as the sequence diagram WriteText draws, as an SVG
// image for documents and projectors: the same lanes and rows, with
// coloured arrows (the loop calling an fd's waiter in blue, a resume in
// green, a park or finish in orange, ready fds waking the loop dashed) and
// every other iteration shaded. The output is the same, byte for byte, for
// the same events.
//
// Discussion: the SVG is written by hand, with fmt. A sequence diagram is
// lines, circles and text at positions a grid computes, some seventy lines
// of code that a student can read; a plotting library (the kit's charts
// use gonum/plot) draws axes and series, not lanes, and an SVG package
// would be a dependency that saves no more than fmt.Fprintf.
func WriteSVG(w io.Writer, title string, events []Event) error {
	d := layout(events)
	g := newSVGGrid(d, title != "")
	var b strings.Builder
	g.open(&b, title)
	g.shade(&b)
	g.lanes(&b)
	for i, r := range d.rows {
		g.row(&b, i, r)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// Sizes, in pixels, for a 12-pixel monospace font.
const (
	svgChar    = 8  // a character's width, rounded up
	svgRow     = 20 // a row's height
	svgMargin  = 12
	svgDot     = 4  // a mark's radius
	svgLaneGap = 40 // from one lane to the next
	svgSlant   = 35 // degrees: the lanes' names rise at this angle
)

// An svgGrid places the diagram in pixels: the gutter (iteration, time),
// the lanes' columns, then the text.
type svgGrid struct {
	d       diagram
	top     int   // y where the lane names start; the first row is a row below
	timeX   int   // x where the time column starts
	x       []int // x of each lane's line
	textX   int
	width   int
	height  int
	classes []string // each lane's CSS class
}

func newSVGGrid(d diagram, titled bool) svgGrid {
	g := svgGrid{d: d}
	iterWidth, timeWidth, textWidth, nameWidth := len("iter"), len("time"), 0, 0
	for _, r := range d.rows {
		iterWidth = max(iterWidth, len(r.iteration))
		timeWidth = max(timeWidth, len(r.at))
		textWidth = max(textWidth, len([]rune(r.text)))
	}
	for _, l := range d.lanes {
		nameWidth = max(nameWidth, len([]rune(l.name)))
	}
	// The names are written at svgSlant degrees, rising to the right:
	// they need as much height as their width times the sine (about 0.6
	// for 35 degrees), and the last one as much room on the right.
	g.top = svgMargin + nameWidth*svgChar*6/10 + svgRow/2
	if titled {
		g.top += svgRow
	}
	g.timeX = svgMargin + (iterWidth+1)*svgChar
	x := g.timeX + (timeWidth+2)*svgChar
	for _, l := range d.lanes {
		g.x = append(g.x, x)
		g.classes = append(g.classes, [...]string{"loop", "fd", "coroutine", "note"}[l.kind])
		x += svgLaneGap
	}
	g.textX = x
	g.width = max(g.textX+textWidth*svgChar, g.x[len(g.x)-1]+nameWidth*svgChar*8/10) + svgMargin
	g.height = g.rowY(len(d.rows)-1) + svgRow
	return g
}

// rowY returns the y of row i's middle.
func (g svgGrid) rowY(i int) int { return g.top + svgRow*(i+1) }

const svgStyle = `<style>
text { font-family: monospace; font-size: 12px; fill: #222; }
.title { font-size: 14px; font-weight: bold; }
.gutter { fill: #777; }
.shade { fill: #f3f3f3; }
.life { stroke-width: 1.5; }
.loop { stroke: #444; fill: #444; }
.fd { stroke: #1f6fb2; fill: #1f6fb2; }
.coroutine { stroke: #2e8b57; fill: #2e8b57; }
.note { stroke: #8a6d3b; fill: #8a6d3b; }
text.loop, text.fd, text.coroutine, text.note { stroke: none; font-weight: bold; }
.call { stroke: #1f6fb2; stroke-width: 1.5; }
.resume { stroke: #2e8b57; stroke-width: 1.5; }
.park { stroke: #d2691e; stroke-width: 1.5; }
.ready { stroke: #1f6fb2; stroke-width: 1; stroke-dasharray: 4 3; }
</style>
`

// open writes the svg element, the style, one arrow head per colour, a
// white background and the title.
func (g svgGrid) open(b *strings.Builder, title string) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n", g.width, g.height, g.width, g.height)
	b.WriteString(svgStyle)
	b.WriteString("<defs>\n")
	for _, c := range []struct{ class, colour string }{{"call", "#1f6fb2"}, {"resume", "#2e8b57"}, {"park", "#d2691e"}, {"ready", "#1f6fb2"}} {
		fmt.Fprintf(b, `<marker id="head-%s" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+"\n", c.class, c.colour)
	}
	b.WriteString("</defs>\n")
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="white"/>`+"\n", g.width, g.height)
	if title != "" {
		fmt.Fprintf(b, `<text class="title" x="%d" y="%d">%s</text>`+"\n", svgMargin, svgMargin+svgRow/2+4, html.EscapeString(title))
	}
}

// shade greys every other iteration, from its poll's row to the next.
func (g svgGrid) shade(b *strings.Builder) {
	start, count := -1, 0
	flush := func(end int) {
		if start >= 0 && count%2 == 0 {
			y := g.rowY(start) - svgRow/2
			fmt.Fprintf(b, `<rect class="shade" x="0" y="%d" width="%d" height="%d"/>`+"\n", y, g.width, (end-start)*svgRow)
		}
	}
	for i, r := range g.d.rows {
		if r.iteration != "" {
			flush(i)
			start, count = i, count+1
		}
	}
	flush(len(g.d.rows))
}

// lanes writes the gutter's headings, each lane's name and its line, from
// its first row to its last.
func (g svgGrid) lanes(b *strings.Builder) {
	fmt.Fprintf(b, `<text class="gutter" x="%d" y="%d" text-anchor="end">iter</text>`+"\n", g.timeX-svgChar, g.top+4)
	fmt.Fprintf(b, `<text class="gutter" x="%d" y="%d">time</text>`+"\n", g.timeX, g.top+4)
	for i, l := range g.d.lanes {
		fmt.Fprintf(b, `<text class="%s" x="%d" y="%d" transform="rotate(-%d %d %d)">%s</text>`+"\n",
			g.classes[i], g.x[i], g.top, svgSlant, g.x[i], g.top, html.EscapeString(l.name))
		if l.first < 0 {
			continue
		}
		fmt.Fprintf(b, `<line class="life %s" x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", g.classes[i], g.x[i], g.rowY(l.first), g.x[i], g.rowY(l.last))
	}
}

// row writes row i: the gutter, the mark or arrow, and the text.
func (g svgGrid) row(b *strings.Builder, i int, r row) {
	y := g.rowY(i)
	if r.iteration != "" {
		fmt.Fprintf(b, `<text class="gutter" x="%d" y="%d" text-anchor="end">%s</text>`+"\n", g.timeX-svgChar, y+4, r.iteration)
	}
	if r.at != "" {
		fmt.Fprintf(b, `<text class="gutter" x="%d" y="%d">%s</text>`+"\n", g.timeX, y+4, r.at)
	}
	if r.arrow() {
		g.arrow(b, y, r)
	}
	g.dot(b, r.tail, y)
	for _, d := range r.dots {
		g.dot(b, d, y)
	}
	fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`+"\n", g.textX, y+4, html.EscapeString(r.text))
}

// arrow writes the shaft from the tail lane to the head lane, its head
// touching the head lane's line.
func (g svgGrid) arrow(b *strings.Builder, y int, r row) {
	class := "call"
	switch r.kind {
	case Resumed:
		class = "resume"
	case Parked, Finished:
		class = "park"
	case PollReturned:
		class = "ready"
	}
	tail, head := g.x[r.tail], g.x[r.head]
	fmt.Fprintf(b, `<line class="%s" x1="%d" y1="%d" x2="%d" y2="%d" marker-end="url(#head-%s)"/>`+"\n", class, tail, y, head, y, class)
}

// dot writes a mark on lane i's line.
func (g svgGrid) dot(b *strings.Builder, i, y int) {
	fmt.Fprintf(b, `<circle class="%s" cx="%d" cy="%d" r="%d"/>`+"\n", g.classes[i], g.x[i], y, svgDot)
}
