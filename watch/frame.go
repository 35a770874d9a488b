package watch

import (
	"github.com/loopkit/loopkit/trace"
)

// A frame is what a page shows of the loop at the start of an iteration,
// as JSON: the snapshot, in the words of the diagrams, and the last poll.
type frame struct {
	Iteration  uint64      `json:"iteration"` // the iteration about to run
	Clock      string      `json:"clock"`
	Poll       poll        `json:"poll"`
	Readers    []string    `json:"readers"`
	Writers    []string    `json:"writers"`
	Timers     []timer     `json:"timers"`
	Ready      int         `json:"ready"` // callbacks on the ready queue
	Coroutines []coroutine `json:"coroutines"`
	Lanes      []lane      `json:"lanes"` // every lane seen, in the diagram's order
}

// A poll is the last poll call of the events shown: how long it could
// wait, what it watched and what it found ready.
type poll struct {
	Iteration uint64   `json:"iteration"` // 0: no poll yet
	Timeout   string   `json:"timeout"`   // "block" for ever, else a duration
	Watching  []string `json:"watching"`  // "listener:R"
	Ready     []string `json:"ready"`     // "conn#1:R", "wake:R"
}

type timer struct {
	Deadline string `json:"deadline"` // since the recording began
	In       string `json:"in"`       // how long from the clock
}

type coroutine struct {
	Name     string `json:"name"`
	ParkedOn string `json:"parkedOn"` // "" if it has not started yet
}

type lane struct {
	Name string `json:"name"`
	Kind string `json:"kind"` // loop, fd, coroutine, note
}

// A row is a row of the diagram, numbered: a page asks for the rows after
// the last it has.
type row struct {
	Seq       uint64   `json:"seq"`
	Iteration string   `json:"iteration,omitempty"`
	At        string   `json:"at,omitempty"`
	From      string   `json:"from"`
	To        string   `json:"to"`
	Dots      []string `json:"dots,omitempty"`
	Text      string   `json:"text"`
}

// newFrame makes the frame of snapshot s, whose last poll is in events.
func newFrame(s trace.Snapshot, events []trace.Event, lanes []trace.Lane) frame {
	f := frame{
		Iteration: s.Iteration,
		Clock:     s.Clock.String(),
		Poll:      lastPoll(events),
		Readers:   s.Readers,
		Writers:   s.Writers,
		Ready:     s.Ready,
	}
	for _, t := range s.Timers {
		f.Timers = append(f.Timers, timer{Deadline: t.String(), In: (t - s.Clock).String()})
	}
	for _, co := range s.Coroutines {
		f.Coroutines = append(f.Coroutines, coroutine{Name: co.Name, ParkedOn: co.ParkedOn})
	}
	f.Lanes = toLanes(lanes)
	return f
}

func toLanes(lanes []trace.Lane) []lane {
	out := make([]lane, len(lanes))
	for i, l := range lanes {
		out[i] = lane{Name: l.Name, Kind: l.Kind}
	}
	return out
}

// lastPoll finds the last poll in events and what it returned.
func lastPoll(events []trace.Event) poll {
	var p poll
	for _, ev := range events {
		switch ev.Kind {
		case trace.PollStarted:
			p = poll{Iteration: ev.Iteration, Timeout: timeout(ev), Watching: fdNames(ev.Watching)}
		case trace.PollReturned:
			p.Ready = fdNames(ev.Ready)
		}
	}
	return p
}

func timeout(ev trace.Event) string {
	if ev.Timeout < 0 {
		return "block"
	}
	return ev.Timeout.String()
}

func fdNames(fds []trace.FD) []string {
	names := make([]string, len(fds))
	for i, fd := range fds {
		names[i] = fd.String()
	}
	return names
}

// A rowRing keeps the last rows pushed, numbered from 1.
type rowRing struct {
	rows  []row // a circle: row seq sits at (seq-1) % cap
	last  uint64
	floor uint64 // rows up to this one are forgotten, not lost
}

func newRowRing(n int) rowRing { return rowRing{rows: make([]row, n)} }

// push adds r as the next row, forgetting the oldest if the ring is full.
func (g *rowRing) push(r trace.Row) {
	g.last++
	g.rows[(g.last-1)%uint64(len(g.rows))] = row{
		Seq: g.last, Iteration: r.Iteration, At: r.At, From: r.From, To: r.To, Dots: r.Dots, Text: r.Text,
	}
}

// forget forgets every row pushed so far: they belong to a diagram that
// has ended (a recording stopped), whose lanes the next one does not have.
func (g *rowRing) forget() { g.floor = g.last }

// oldest returns the row before the first the ring still holds: every
// row up to it is forgotten, or pushed out by later ones. A page opened
// now starts there, and so has lost nothing yet.
func (g *rowRing) oldest() uint64 {
	if n := uint64(len(g.rows)); g.last > n {
		return max(g.floor, g.last-n)
	}
	return g.floor
}

// after returns the rows after seq that the ring still holds, and how many
// after seq it no longer holds (forgotten rows are not counted).
func (g *rowRing) after(seq uint64) (rows []row, lost uint64) {
	seq = max(seq, g.floor)
	if oldest := g.oldest(); seq < oldest {
		lost, seq = oldest-seq, oldest
	}
	for s := seq + 1; s <= g.last; s++ {
		rows = append(rows, g.rows[(s-1)%uint64(len(g.rows))])
	}
	return rows, lost
}
