package trace

import (
	"fmt"
	"io"
	"strings"
)

// WriteText draws events as a sequence diagram in text, one line per
// event, for a terminal: a column (lane) for the loop, one for each fd
// whose callbacks run, one for each coroutine and, last, one for each lane
// given to Note (the clients, say), in the order they first appear. Their
// names stand above them, as a staircase. A lane's line runs from its
// first event to its last; a coroutine's until it finishes, an fd's while
// the loop watches it.
//
//	           loop
//	           │  listener
//	           │  │  handler(client1)
//	           │  │  │  conn#1
//	iter time  │  │  │  │  client1
//	  #4       ●  │  │  │  │ poll(block) watching listener:R conn#1:R
//	           │  │  │  │  ● client1 sends "hello\n"
//	           ◀──┼──┼──●  │ ready: conn#1:R
//	           ●──┼──┼──▶  │ reader conn#1: coroutines.(*fdWaiter).onReady
//	           ●──┼──▶  │  │ resume handler(client1)
//	           ◀──┼──●  │  │ handler(client1) parks on Conn.Read
//
// ● marks where an event happens; an arrow goes from the lane that acts to
// the lane it hands to: the loop calls an fd's waiter and resumes a
// coroutine, a coroutine parks (or finishes) back to the loop, ready fds
// wake the loop; ┼ is an arrow crossing a lane. A CallSoon callback that
// only resumes a coroutine is drawn as the resume. The iter column numbers
// each iteration on its poll's row; the time column shows the loop's
// clock, since the recorder was attached, on the first row after it moved.
// With a fake clock (timers.Fake) the text is the same, byte for byte, on
// every run.
//
// title, if not empty, is written first.
func WriteText(w io.Writer, title string, events []Event) error {
	d := layout(events)
	g := newTextGrid(d)
	var b strings.Builder
	if title != "" {
		fmt.Fprintf(&b, "%s\n\n", title)
	}
	b.WriteString(g.header())
	for i, r := range d.rows {
		b.WriteString(g.line(i, r))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// A textGrid places the lanes in columns: the gutter (iteration and
// time), then a lane every laneGap characters, then the text. The names
// stand above their lanes on a line each, as a staircase, so that a lane
// is as narrow as an arrow needs, whatever its name.
type textGrid struct {
	d         diagram
	iterWidth int
	timeWidth int
	x         []int // the column of each lane's line, after the gutter
	width     int   // the lanes' columns end here; the text follows
}

// laneGap is the distance between two lanes: room for "●─▶".
const laneGap = 3

func newTextGrid(d diagram) textGrid {
	g := textGrid{d: d, iterWidth: len("iter"), timeWidth: len("time")}
	for _, r := range d.rows {
		g.iterWidth = max(g.iterWidth, len(r.iteration))
		g.timeWidth = max(g.timeWidth, len(r.at))
	}
	for i := range d.lanes {
		g.x = append(g.x, i*laneGap)
	}
	g.width = (len(d.lanes)-1)*laneGap + 1
	return g
}

// gutter writes the iteration and time columns.
func (g textGrid) gutter(iteration, at string) string {
	return fmt.Sprintf("%*s %-*s  ", g.iterWidth, iteration, g.timeWidth, at)
}

// header writes the lanes' names, one a line, each above its lane and
// after the lines of the lanes before it:
//
//	          loop
//	          │  acceptor
//	iter time │  │  conn#1
func (g textGrid) header() string {
	var b strings.Builder
	for i, l := range g.d.lanes {
		cells := []rune(strings.Repeat(" ", g.x[i]))
		for j := range i {
			cells[g.x[j]] = '│'
		}
		gutter := g.gutter("", "")
		if i == len(g.d.lanes)-1 {
			gutter = g.gutter("iter", "time")
		}
		fmt.Fprintf(&b, "%s%s%s\n", gutter, string(cells), l.name)
	}
	return b.String()
}

// line draws row i: every living lane's line, the row's mark or arrow over
// them, then the text.
func (g textGrid) line(i int, r row) string {
	cells := []rune(strings.Repeat(" ", g.width))
	for j, l := range g.d.lanes {
		if l.first <= i && i <= l.last {
			cells[g.x[j]] = '│'
		}
	}
	if r.arrow() {
		g.drawArrow(cells, r)
	} else {
		cells[g.x[r.head]] = '●'
	}
	text := strings.TrimRight(string(cells), " ")
	return strings.TrimRight(g.gutter(r.iteration, r.at)+padRight(text, g.width)+" "+r.text, " ") + "\n"
}

// drawArrow draws ●───▶● (or ◀───●): the tail's mark, a shaft that
// crosses the lanes in between (┼), the head, and a mark on each dot.
func (g textGrid) drawArrow(cells []rune, r row) {
	tail, head := g.x[r.tail], g.x[r.head]
	lo, hi := min(tail, head), max(tail, head)
	for x := lo + 1; x < hi; x++ {
		if cells[x] == '│' {
			cells[x] = '┼'
		} else {
			cells[x] = '─'
		}
	}
	for _, d := range r.dots {
		cells[g.x[d]] = '●'
	}
	cells[tail] = '●'
	if head > tail {
		cells[head] = '▶'
	} else {
		cells[head] = '◀'
	}
}

// padRight pads s with spaces to width runes.
func padRight(s string, width int) string {
	if n := len([]rune(s)); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}
