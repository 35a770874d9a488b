package trace

import (
	"fmt"
	"html"
	"path/filepath"
	"strings"
)

// SVGPages draws events as the sequence diagram WriteText draws, as SVG
// images for documents and projectors: the same lanes and rows, with
// coloured arrows (the loop calling an fd's waiter in blue, a resume in
// green, a park or finish in orange, ready fds waking the loop dashed) and
// every other iteration shaded. A run taller than size's page is cut into
// pages, each a whole image that explains itself: the title with "page 2
// of 5", the gutter's headings and the name of every lane that lives on
// the page; a page starts at an iteration's poll where one is near. All
// the pages of a run are the same size, so that they stay still as a
// speaker moves from one to the next. The output is the same, byte for
// byte, for the same events.
//
// Discussion: the SVG is written by hand, with fmt. A sequence diagram is
// lines, circles and text at positions a grid computes, in one file a
// student can read; a plotting library (the kit's charts
// use gonum/plot) draws axes and series, not lanes, and an SVG package
// would be a dependency that saves no more than fmt.Fprintf.
func SVGPages(title string, events []Event, size Size) [][]byte {
	g := newSVGGrid(layout(events), size)
	var pages [][]byte
	for p := range len(g.breaks) - 1 {
		pages = append(pages, g.page(pageTitle(title, p+1, len(g.breaks)-1), g.breaks[p], g.breaks[p+1]))
	}
	return pages
}

// PageFile names page p of n written to path: path itself if there is
// one page, else "chat-1.svg", "chat-2.svg", ... for "chat.svg".
func PageFile(path string, p, n int) string {
	if n == 1 {
		return path
	}
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s-%d%s", strings.TrimSuffix(path, ext), p, ext)
}

// A Size is how big SVGPages draws: the text, the rows and lanes around
// it, and the tallest page. Document and Projector are the sizes there
// are.
type Size struct {
	font    int     // the text's size, in pixels
	char    int     // a character's width, rounded up: monospace is 0.6 of the size
	row     int     // a row's height
	laneGap int     // from one lane to the next: room for the slanted names
	dot     int     // a mark's radius
	line    float64 // an arrow's width
	margin  int
	page    int // the tallest page, in pixels
}

var (
	// Document is for the docs, read on a screen: 14-pixel text on pages
	// at most 1080 pixels tall, so that a page is seen whole, at the size
	// it is drawn, on a screen of 1080 lines.
	Document = Size{font: 14, char: 9, row: 22, laneGap: 40, dot: 4, line: 1.5, margin: 12, page: 1080}

	// Projector is for a room: 24-pixel text on pages at most 1080 pixels
	// tall, so that fitting a page to a 1920×1080 projector never shrinks
	// the text. A row is then a thirtieth of the screen's height: on a
	// screen 2 m tall, capitals some 3 cm high. The kit's widest diagram
	// (chat in coroutines, thirteen lanes) is 1660 pixels wide at this
	// size: much larger, and fitting the width would shrink it.
	Projector = Size{font: 24, char: 15, row: 36, laneGap: 56, dot: 7, line: 3, margin: 16, page: 1080}
)

// svgSlant is the angle, in degrees, at which the lanes' names rise.
const svgSlant = 35

// pageTitle is the title of page p of n: "chat, coroutines style (page 2
// of 5)".
func pageTitle(title string, p, n int) string {
	if n == 1 {
		return title
	}
	return strings.TrimSpace(fmt.Sprintf("%s (page %d of %d)", title, p, n))
}

// An svgGrid places the diagram in pixels: the gutter (iteration, time),
// the lanes' columns, then the text. Every page of a run has the same
// grid.
type svgGrid struct {
	d       diagram
	size    Size
	top     int   // y where the lane names start; a page's first row is a row below
	timeX   int   // x where the time column starts
	x       []int // x of each lane's line
	textX   int
	width   int
	classes []string // each lane's CSS class
	breaks  []int    // the first row of each page, then the number of rows
	height  int      // every page's: the fullest page's
}

func newSVGGrid(d diagram, size Size) svgGrid {
	g := svgGrid{d: d, size: size}
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
	// for 35 degrees), and the last one as much room on the right. Above
	// them is a row for the title and the page's number.
	g.top = size.margin + size.row + nameWidth*size.char*6/10 + size.row/2
	g.timeX = size.margin + (iterWidth+1)*size.char
	x := g.timeX + (timeWidth+2)*size.char
	for _, l := range d.lanes {
		g.x = append(g.x, x)
		g.classes = append(g.classes, [...]string{"loop", "fd", "coroutine", "note"}[l.kind])
		x += size.laneGap
	}
	g.textX = x
	g.width = max(g.textX+textWidth*size.char, g.x[len(g.x)-1]+nameWidth*size.char*8/10) + size.margin
	g.breaks = g.pageBreaks()
	fullest := 1
	for p := range len(g.breaks) - 1 {
		fullest = max(fullest, g.breaks[p+1]-g.breaks[p])
	}
	g.height = g.rowY(fullest-1) + size.row
	return g
}

// rowY returns the y of the middle of a page's row i.
func (g svgGrid) rowY(i int) int { return g.top + g.size.row*(i+1) }

// rowsPerPage is how many rows fit on a page below the lanes' names: n,
// where rowY(n-1) + row <= page.
func (g svgGrid) rowsPerPage() int {
	return max((g.size.page-g.top)/g.size.row-1, 1)
}

// pageBreaks returns the first row of each page, then the number of rows.
// There are as few pages as can be, they share the rows about equally,
// and a page ends where an iteration begins if one begins near, so that
// most pages start with an iteration's poll.
func (g svgGrid) pageBreaks() []int {
	n, most := len(g.d.rows), g.rowsPerPage()
	breaks := []int{0}
	for start := 0; n-start > most; {
		pages := (n - start + most - 1) / most // still to draw
		aim := (n - start + pages - 1) / pages
		// Ending before n - (pages-1)*most would leave the rest one page more.
		earliest := max(start+aim/2, n-(pages-1)*most-1)
		start = g.iterationNear(start+aim, earliest, start+most)
		breaks = append(breaks, start)
	}
	return append(breaks, n)
}

// iterationNear returns the row nearest aim, after lo and at most hi,
// where an iteration begins; or aim, if none does.
func (g svgGrid) iterationNear(aim, lo, hi int) int {
	best := aim
	for i := lo + 1; i <= hi; i++ {
		if g.d.rows[i].iteration != "" && (g.d.rows[best].iteration == "" || abs(i-aim) < abs(best-aim)) {
			best = i
		}
	}
	return best
}

func abs(n int) int { return max(n, -n) }

// page draws rows lo to hi as one SVG image.
func (g svgGrid) page(title string, lo, hi int) []byte {
	var b strings.Builder
	g.open(&b, title)
	g.shade(&b, lo, hi)
	g.lanes(&b, lo, hi)
	for i := lo; i < hi; i++ {
		g.row(&b, i-lo, g.continued(i, lo))
	}
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

// svgStyle is the style sheet, for a size's font and line.
const svgStyle = `<style>
text { font-family: monospace; font-size: %dpx; fill: #222; }
.title { font-size: %dpx; font-weight: bold; }
.gutter { fill: #777; }
.shade { fill: #f3f3f3; }
.life { stroke-width: %g; }
.loop { stroke: #444; fill: #444; }
.fd { stroke: #1f6fb2; fill: #1f6fb2; }
.coroutine { stroke: #2e8b57; fill: #2e8b57; }
.note { stroke: #8a6d3b; fill: #8a6d3b; }
text.loop, text.fd, text.coroutine, text.note { stroke: none; font-weight: bold; }
.call { stroke: #1f6fb2; stroke-width: %[3]g; }
.resume { stroke: #2e8b57; stroke-width: %[3]g; }
.park { stroke: #d2691e; stroke-width: %[3]g; }
.ready { stroke: #1f6fb2; stroke-width: %g; stroke-dasharray: %g %g; }
</style>
`

// open writes the svg element, the style, one arrow head per colour, a
// white background and the title.
func (g svgGrid) open(b *strings.Builder, title string) {
	s, height := g.size, g.height
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`+"\n", g.width, height, g.width, height)
	fmt.Fprintf(b, svgStyle, s.font, s.font+2, s.line, s.line*2/3, s.line*8/3, s.line*2)
	b.WriteString("<defs>\n")
	for _, c := range []struct{ class, colour string }{{"call", "#1f6fb2"}, {"resume", "#2e8b57"}, {"park", "#d2691e"}, {"ready", "#1f6fb2"}} {
		fmt.Fprintf(b, `<marker id="head-%s" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+"\n", c.class, c.colour)
	}
	b.WriteString("</defs>\n")
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="white"/>`+"\n", g.width, height)
	if title != "" {
		fmt.Fprintf(b, `<text class="title" x="%d" y="%d">%s</text>`+"\n", s.margin, s.margin+s.row/2+g.baseline(), html.EscapeString(title))
	}
}

// baseline is how far below a row's middle its text's baseline lies, to
// centre the text on the row.
func (g svgGrid) baseline() int { return g.size.font / 3 }

// shade greys every other iteration, from its poll's row to the next, on
// the page of rows lo to hi.
func (g svgGrid) shade(b *strings.Builder, lo, hi int) {
	start, count := -1, 0
	flush := func(end int) {
		from, to := max(start, lo), min(end, hi)
		if start >= 0 && count%2 == 0 && from < to {
			y := g.rowY(from-lo) - g.size.row/2
			fmt.Fprintf(b, `<rect class="shade" x="0" y="%d" width="%d" height="%d"/>`+"\n", y, g.width, (to-from)*g.size.row)
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

// lanes writes the gutter's headings and, for each lane that lives on the
// page of rows lo to hi, its name and its line, from its first row to its
// last.
func (g svgGrid) lanes(b *strings.Builder, lo, hi int) {
	fmt.Fprintf(b, `<text class="gutter" x="%d" y="%d" text-anchor="end">iter</text>`+"\n", g.timeX-g.size.char, g.top+g.baseline())
	fmt.Fprintf(b, `<text class="gutter" x="%d" y="%d">time</text>`+"\n", g.timeX, g.top+g.baseline())
	for i, l := range g.d.lanes {
		if l.first >= hi || l.last < lo {
			continue
		}
		fmt.Fprintf(b, `<text class="%s" x="%d" y="%d" transform="rotate(-%d %d %d)">%s</text>`+"\n",
			g.classes[i], g.x[i], g.top, svgSlant, g.x[i], g.top, html.EscapeString(l.name))
		if l.first < 0 {
			continue
		}
		fmt.Fprintf(b, `<line class="life %s" x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", g.classes[i], g.x[i], g.rowY(max(l.first, lo)-lo), g.x[i], g.rowY(min(l.last, hi-1)-lo))
	}
}

// continued returns row i, the first of a page at lo, with the iteration
// and the clock it continues in the gutter: a page that starts inside an
// iteration still says which.
func (g svgGrid) continued(i, lo int) row {
	r := g.d.rows[i]
	if i != lo {
		return r
	}
	for j := i - 1; j >= 0 && (r.iteration == "" || r.at == ""); j-- {
		if r.iteration == "" {
			r.iteration = g.d.rows[j].iteration
		}
		if r.at == "" {
			r.at = g.d.rows[j].at
		}
	}
	return r
}

// row writes a page's row i: the gutter, the mark or arrow, and the text.
func (g svgGrid) row(b *strings.Builder, i int, r row) {
	y := g.rowY(i)
	if r.iteration != "" {
		fmt.Fprintf(b, `<text class="gutter" x="%d" y="%d" text-anchor="end">%s</text>`+"\n", g.timeX-g.size.char, y+g.baseline(), r.iteration)
	}
	if r.at != "" {
		fmt.Fprintf(b, `<text class="gutter" x="%d" y="%d">%s</text>`+"\n", g.timeX, y+g.baseline(), r.at)
	}
	if r.arrow() {
		g.arrow(b, y, r)
	}
	g.dot(b, r.tail, y)
	for _, d := range r.dots {
		g.dot(b, d, y)
	}
	fmt.Fprintf(b, `<text x="%d" y="%d">%s</text>`+"\n", g.textX, y+g.baseline(), html.EscapeString(r.text))
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
	fmt.Fprintf(b, `<circle class="%s" cx="%d" cy="%d" r="%d"/>`+"\n", g.classes[i], g.x[i], y, g.size.dot)
}
