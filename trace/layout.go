package trace

import (
	"fmt"
	"slices"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// A diagram is a run laid out as a sequence diagram, ready for a renderer:
// the lanes (columns) and one row per event worth drawing. Text and SVG
// draw the same diagram, so they always agree.
type diagram struct {
	lanes []lane
	rows  []row
}

// A lane is one column: the loop, an fd, a coroutine, or a lane of notes
// (a client, say).
type lane struct {
	name        string
	kind        laneKind
	first, last int // the rows it lives through: drawn from its first event to its last
}

type laneKind uint8

const (
	loopLane laneKind = iota
	fdLane
	coroutineLane
	noteLane
)

// A row is one event: a mark in one lane, or an arrow from the tail lane to
// the head lane, with more marks (dots) on the way.
type row struct {
	kind       Kind
	iteration  string // "#3" on the row of a poll, else ""
	at         string // the clock ("1s") on the first row after it moved, else ""
	tail, head int    // lane indexes; equal for a mark
	dots       []int  // more lanes marked on the arrow (several fds ready)
	text       string
}

// arrow reports whether the row is an arrow rather than a mark.
func (r row) arrow() bool { return r.tail != r.head }

// layout lays events out. Rows come in the order of the events, with three
// left out: an iteration's start (its number goes on the poll's row), a
// callback's return, and a CallSoon callback that only resumes a coroutine
// (the resume arrow says it all).
func layout(events []Event) diagram {
	b := newBuilder()
	b.addEvents(events)
	b.stillRunning()
	return b.d.notesLast()
}

// addEvents lays out events after those added before. A CallSoon callback
// is told from a resume by the event after it, so events must not end
// between the two: a batch of whole iterations will do.
func (b *builder) addEvents(events []Event) {
	for i, ev := range events {
		r, ok := b.row(ev, events[i+1:])
		if !ok {
			if ev.Kind == IterationStarted {
				b.iteration = fmt.Sprintf("#%d", ev.Iteration)
			}
			continue
		}
		if ev.Kind == PollStarted {
			r.iteration, b.iteration = b.iteration, ""
		}
		if ev.At != b.shown {
			r.at, b.shown = ev.At.String(), ev.At
		}
		b.add(r)
		if ev.Kind == PollStarted {
			b.stillWatched(ev.Watching)
		}
	}
}

// stillWatched stretches the lane of each fd the loop still watches down to
// the poll's row: the fd is there, even when nothing happens to it.
func (b *builder) stillWatched(fds []FD) {
	for _, fd := range fds {
		if i, ok := b.lanes[fd.Name]; ok && b.d.lanes[i].first >= 0 {
			b.d.lanes[i].last = len(b.d.rows) - 1
		}
	}
}

// stillRunning stretches the lane of each coroutine that has not finished
// down to the last row: parked or not, it is there.
func (b *builder) stillRunning() {
	for i, l := range b.d.lanes {
		if l.kind == coroutineLane && !b.finished[l.name] {
			b.d.lanes[i].last = len(b.d.rows) - 1
		}
	}
}

// notesLast moves the lanes of notes (clients, servers: the world outside
// the loop) to the right of the loop's own lanes, keeping each group in
// order of appearance, so that the loop's lanes sit together.
func (d diagram) notesLast() diagram {
	var order []int // new position -> old index
	for _, notes := range []bool{false, true} {
		for i, l := range d.lanes {
			if (l.kind == noteLane) == notes {
				order = append(order, i)
			}
		}
	}
	moved := make([]int, len(order)) // old index -> new position
	lanes := make([]lane, len(order))
	for to, from := range order {
		moved[from] = to
		lanes[to] = d.lanes[from]
	}
	rows := make([]row, len(d.rows))
	for i, r := range d.rows {
		r.tail, r.head = moved[r.tail], moved[r.head]
		dots := make([]int, len(r.dots))
		for j, dot := range r.dots {
			dots[j] = moved[dot]
		}
		r.dots = dots
		rows[i] = r
	}
	return diagram{lanes: lanes, rows: rows}
}

// builder keeps the lanes by name while layout adds rows.
type builder struct {
	d         diagram
	lanes     map[string]int
	started   map[string]bool // the coroutines seen running: a first resume is a start
	finished  map[string]bool // the coroutines seen finishing
	iteration string          // "#3": the number of the iteration begun, for its poll's row
	shown     time.Duration   // the clock on the last row that showed it
}

// newBuilder returns a builder with the loop's lane, and no time shown.
func newBuilder() *builder {
	b := &builder{lanes: map[string]int{}, started: map[string]bool{}, finished: map[string]bool{}, shown: -1}
	b.lane(LoopLane, loopLane)
	return b
}

// lane returns the index of the lane called name, adding it if new.
func (b *builder) lane(name string, kind laneKind) int {
	if i, ok := b.lanes[name]; ok {
		return i
	}
	b.lanes[name] = len(b.d.lanes)
	b.d.lanes = append(b.d.lanes, lane{name: name, kind: kind, first: -1})
	return len(b.d.lanes) - 1
}

// add appends r, stretching the lifetime of every lane it touches.
func (b *builder) add(r row) {
	n := len(b.d.rows)
	b.d.rows = append(b.d.rows, r)
	for _, i := range append([]int{r.tail, r.head}, r.dots...) {
		l := &b.d.lanes[i]
		if l.first < 0 {
			l.first = n
		}
		l.last = n
	}
}

// row returns the row of ev, or false if ev is not drawn. rest is what
// follows ev, to see whether a callback only resumes a coroutine.
func (b *builder) row(ev Event, rest []Event) (row, bool) {
	loopIndex := 0
	mark := func(i int, text string) (row, bool) {
		return row{kind: ev.Kind, tail: i, head: i, text: text}, true
	}
	arrow := func(tail, head int, text string) (row, bool) {
		return row{kind: ev.Kind, tail: tail, head: head, text: text}, true
	}
	switch ev.Kind {
	case PollStarted:
		return mark(loopIndex, fmt.Sprintf("poll(%s) watching %s", formatTimeout(ev.Timeout), fdList(ev.Watching)))
	case PollReturned:
		return b.readyRow(ev)
	case CallbackRun:
		if ev.Callback == loop.Soon && len(rest) > 0 && rest[0].Kind == Resumed {
			return row{}, false
		}
		if ev.Lane == LoopLane {
			return mark(loopIndex, fmt.Sprintf("%s: %s", ev.Callback, ev.Func))
		}
		return arrow(loopIndex, b.lane(ev.Lane, fdLane), fmt.Sprintf("%s %s: %s", ev.Callback, ev.FD, ev.Func))
	case TimerFired:
		return mark(loopIndex, fmt.Sprintf("timer due %s, late %s: %s", ev.Deadline, ev.Late, ev.Func))
	case Resumed:
		verb := "resume"
		if !b.started[ev.Coroutine] {
			verb = "start"
			b.started[ev.Coroutine] = true
		}
		return arrow(loopIndex, b.lane(ev.Lane, coroutineLane), verb+" "+ev.Coroutine)
	case Parked:
		return arrow(b.lane(ev.Lane, coroutineLane), loopIndex, fmt.Sprintf("%s parks on %s", ev.Coroutine, ev.What))
	case Finished:
		b.finished[ev.Coroutine] = true
		text := ev.Coroutine + " finishes"
		if ev.Err != "" {
			text += ": " + ev.Err
		}
		return arrow(b.lane(ev.Lane, coroutineLane), loopIndex, text)
	case Note:
		kind := noteLane
		if i, ok := b.lanes[ev.Lane]; ok {
			kind = b.d.lanes[i].kind
		}
		return mark(b.lane(ev.Lane, kind), ev.What)
	}
	return row{}, false // IterationStarted, CallbackReturned
}

// readyRow is the row of a poll's return: an arrow into the loop from the
// farthest ready fd, through the others. The loop's wake-up fd is the
// loop's own, drawn in its lane.
func (b *builder) readyRow(ev Event) (row, bool) {
	r := row{kind: ev.Kind, text: "ready: " + fdList(ev.Ready)}
	var lanes []int
	for _, fd := range ev.Ready {
		if fd.Name != "wake" {
			lanes = append(lanes, b.lane(fd.Name, fdLane))
		}
	}
	if len(lanes) == 0 {
		return r, true // a mark in the loop's lane
	}
	r.tail = slices.Max(lanes)
	for _, i := range lanes {
		if i != r.tail && !slices.Contains(r.dots, i) {
			r.dots = append(r.dots, i)
		}
	}
	return r, true
}

// formatTimeout writes a poll timeout: "block" for ever, else a duration.
func formatTimeout(d time.Duration) string {
	if d < 0 {
		return "block"
	}
	return d.String()
}
