package trace

// This file is the trace for a run that is still going and may never end,
// such as a server watched in a browser (package watch): events are taken
// as they come and laid out a batch at a time, and nothing is kept that
// would grow with the length of the run.

// Take returns the events recorded since the last Take (or since the
// recorder was made) and forgets them, so that a recorder that runs for
// hours holds only what has not been shown yet. Loop goroutine.
func (r *Recorder) Take() []Event {
	events := r.events
	r.events = nil
	return events
}

// A Row is one row of a diagram, for a renderer of its own: a mark in the
// lane From (when To is the same), or an arrow from From to To that marks
// Dots on the way, then the text. Lanes are named as in the diagrams.
type Row struct {
	Iteration string   // "#3" on the row of an iteration's poll, else ""
	At        string   // the clock ("1s") on the first row after it moved, else ""
	From, To  string   // the lanes the row goes from and to
	Dots      []string // more lanes marked on the way (several fds ready)
	Text      string   // what WriteText writes after the lanes
}

// A Lane is a column of a diagram.
type Lane struct {
	Name string
	Kind string // "loop", "fd", "coroutine" or "note" (a client, say)
}

// A Live lays out a run as it goes: each Add returns the rows of a batch
// of events, the same rows WriteText would draw for the whole run. It keeps
// the lanes it has seen (a few words each), not the rows.
type Live struct {
	b *builder
}

// NewLive returns a layout with only the loop's lane.
func NewLive() *Live { return &Live{b: newBuilder()} }

// Add lays out events, which follow those of the last Add, and returns
// their rows. A batch must hold whole iterations (it may begin with the
// events before the first), as Take returns them when called at the start
// of an iteration: a CallSoon callback that only resumes a coroutine is
// told by the event after it.
func (lv *Live) Add(events []Event) []Row {
	lv.b.addEvents(events)
	rows := make([]Row, len(lv.b.d.rows))
	for i, r := range lv.b.d.rows {
		rows[i] = Row{Iteration: r.iteration, At: r.at, From: lv.name(r.tail), To: lv.name(r.head), Text: r.text}
		for _, d := range r.dots {
			rows[i].Dots = append(rows[i].Dots, lv.name(d))
		}
	}
	lv.b.d.rows = lv.b.d.rows[:0]
	return rows
}

// Lanes returns the lanes seen so far, as WriteText orders them: the
// loop's, the fds' and the coroutines' in the order they appeared, then the
// lanes of notes.
func (lv *Live) Lanes() []Lane {
	ordered := lv.b.d.notesLast().lanes // Add has taken the rows: only lanes move
	lanes := make([]Lane, len(ordered))
	for i, l := range ordered {
		lanes[i] = Lane{Name: l.name, Kind: l.kind.String()}
	}
	return lanes
}

func (lv *Live) name(i int) string { return lv.b.d.lanes[i].name }

func (k laneKind) String() string {
	switch k {
	case loopLane:
		return "loop"
	case fdLane:
		return "fd"
	case coroutineLane:
		return "coroutine"
	}
	return "note"
}
