package trace

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

// LoopLane is the name of the loop's own lane: polls, and the callbacks
// that belong to no fd (CallSoon, timers) run there.
const LoopLane = "loop"

// A Recorder writes down what a loop and its coroutines do, as a list of
// Events. It is a loop.Observer (give it to loop.WithObserver, alone or
// with another observer through loop.Tee) and a coroutines.Observer (give it to
// Hub.SetObserver); Attach then lets it read the loop's waiters and clock.
//
//	rec := trace.NewRecorder()
//	l, err := loop.New(loop.WithObserver(rec), loop.WithClock(clock))
//	rec.Attach(l)
//	hub := coroutines.NewHub(l)
//	hub.SetObserver(rec)
//
// Its methods belong to the loop goroutine (and the running coroutine,
// which holds the loop goroutine's place). It is made for showing, not for
// production: each poll costs it a snapshot of the loop's state and an
// fstat per watched fd, and each event an append.
type Recorder struct {
	// Set by Attach.
	loop  *loop.Loop
	start time.Time // the loop's clock when attached: event times count from it

	// Owned by the loop goroutine.
	events     []Event
	iteration  uint64
	fds        fdNames
	watched    map[int]string // the fds watched at the last poll, by name
	coroutines map[*coroutines.Coroutine]string
	lanes      map[string]int // coroutine lane names taken, with how often
	running    string         // the lane of the coroutine that has control, or ""
	callback   string         // the lane of the callback running, or ""
	renames    []string       // old, new, old, new...: see Rename
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder {
	return &Recorder{
		fds:        newFDNames(),
		watched:    map[int]string{},
		coroutines: map[*coroutines.Coroutine]string{},
		lanes:      map[string]int{},
	}
}

// Attach lets the recorder read l: the fds it watches (for PollStarted
// events) and its clock (for event times and timer lateness), counted from
// l.Now(). Call it once, right after loop.New, before the loop runs.
// Without it, events carry no watched fds and no times.
func (r *Recorder) Attach(l *loop.Loop) {
	r.loop = l
	r.start = l.Now()
}

// Events returns a copy of the events recorded so far.
func (r *Recorder) Events() []Event { return slices.Clone(r.events) }

// FDName returns the name of the file fd holds now ("listener",
// "conn#1"), naming it if the recorder has not seen it yet, as a poll
// would. Loop goroutine.
func (r *Recorder) FDName(fd int) string { return r.fds.name(fd) }

// Rename makes the recorder write new wherever old appears in the name of
// a coroutine it has not seen yet, or in what a coroutine parks on: a
// server that names each handler after its client's address,
// "handler(127.0.0.1:41474)", draws "handler(alice)" once the client's
// address is renamed alice, the same on every run. The renames apply together, as
// strings.NewReplacer's pairs do.
func (r *Recorder) Rename(old, new string) {
	r.renames = append(r.renames, old, new)
}

// renamed returns s with the renames applied.
func (r *Recorder) renamed(s string) string {
	if len(r.renames) == 0 {
		return s
	}
	return strings.NewReplacer(r.renames...).Replace(s)
}

// Note records a line of the program's own, such as what it prints, in
// lane: a client's name, say. With lane "", it goes to the lane of what is
// running: the coroutine that has control, else the callback, else the
// loop.
func (r *Recorder) Note(lane, text string) {
	if lane == "" {
		lane = r.current()
	}
	r.add(Event{Kind: Note, Lane: lane, What: text})
}

// current returns the lane of what runs now.
func (r *Recorder) current() string {
	switch {
	case r.running != "":
		return r.running
	case r.callback != "":
		return r.callback
	}
	return LoopLane
}

// add appends ev, stamped with the iteration and the time.
func (r *Recorder) add(ev Event) {
	ev.Iteration = r.iteration
	ev.At = r.since(r.now())
	r.events = append(r.events, ev)
}

func (r *Recorder) now() time.Time {
	if r.loop == nil {
		return time.Time{}
	}
	return r.loop.Now()
}

// since returns how long after the attach t is; 0 without a loop.
func (r *Recorder) since(t time.Time) time.Duration {
	if r.loop == nil {
		return 0
	}
	return t.Sub(r.start)
}

// The loop's side: loop.Observer.

// IterationStarted records the start of iteration n.
func (r *Recorder) IterationStarted(n uint64) {
	r.iteration = n
	r.add(Event{Kind: IterationStarted, Lane: LoopLane})
}

// PollStarted records the poll, with the fds the loop watches now.
func (r *Recorder) PollStarted(timeout time.Duration) {
	r.add(Event{Kind: PollStarted, Lane: LoopLane, Timeout: timeout, Watching: r.watching()})
}

// watching names the fds the loop has waiters for, and remembers them for
// PollReturned: a ready fd that is not among them is the loop's own
// wake-up fd, which is no waiter.
func (r *Recorder) watching() []FD {
	clear(r.watched)
	if r.loop == nil {
		return nil
	}
	s := r.loop.State()
	interest := map[int]loop.Events{}
	for _, fd := range s.Readers {
		interest[fd] |= loop.Readable
	}
	for _, fd := range s.Writers {
		interest[fd] |= loop.Writable
	}
	fds := make([]FD, 0, len(interest))
	for _, fd := range slices.Sorted(maps.Keys(interest)) {
		name := r.fds.name(fd)
		r.watched[fd] = name
		fds = append(fds, FD{Name: name, Events: interest[fd]})
	}
	return fds
}

// PollReturned records the fds poll found ready.
func (r *Recorder) PollReturned(ready []loop.Event) {
	fds := make([]FD, len(ready))
	for i, ev := range ready {
		name, ok := r.watched[ev.FD]
		if !ok {
			name = "wake"
		}
		fds[i] = FD{Name: name, Events: ev.Events}
	}
	r.add(Event{Kind: PollReturned, Lane: LoopLane, Ready: fds})
}

// CallbackStarted records a callback, or a timer firing.
func (r *Recorder) CallbackStarted(c loop.Callback) {
	ev := Event{Kind: CallbackRun, Lane: LoopLane, Callback: c.Kind, Func: trimFunc(c.Name())}
	switch c.Kind {
	case loop.Reader, loop.Writer:
		ev.FD = r.fdName(c.FD)
		ev.Lane = ev.FD
	case loop.Timer:
		ev.Kind = TimerFired
		ev.Deadline = r.since(c.Timer.When())
		ev.Late = r.now().Sub(c.Timer.When())
		if r.loop == nil {
			ev.Late = 0
		}
	}
	r.callback = ev.Lane
	r.add(ev)
}

// fdName is the name of a callback's fd: the poll that made it ready has
// named it.
func (r *Recorder) fdName(fd int) string {
	if name, ok := r.watched[fd]; ok {
		return name
	}
	return r.fds.name(fd)
}

// CallbackReturned records the return of the callback that started last.
func (r *Recorder) CallbackReturned(loop.Callback) {
	r.add(Event{Kind: CallbackReturned, Lane: r.callback})
	r.callback = ""
}

// The coroutines' side: coroutines.Observer.

// Resumed records the loop handing control to co.
func (r *Recorder) Resumed(co *coroutines.Coroutine) {
	lane := r.coroutineLane(co)
	r.running = lane
	r.add(Event{Kind: Resumed, Lane: lane, Coroutine: lane})
}

// Parked records co handing control back, waiting on what.
func (r *Recorder) Parked(co *coroutines.Coroutine, what string) {
	lane := r.coroutineLane(co)
	r.running = ""
	r.add(Event{Kind: Parked, Lane: lane, Coroutine: lane, What: r.renamed(what)})
}

// Finished records the end of co.
func (r *Recorder) Finished(co *coroutines.Coroutine, err error) {
	lane := r.coroutineLane(co)
	r.running = ""
	ev := Event{Kind: Finished, Lane: lane, Coroutine: lane}
	if err != nil {
		ev.Err = err.Error()
	}
	r.add(ev)
	delete(r.coroutines, co)
}

// coroutineLane returns co's lane: its name when first seen, made unique
// ("handler", "handler#2") so that two coroutines never share a lane.
// A name set later (SetName while it runs) does not move it to another.
func (r *Recorder) coroutineLane(co *coroutines.Coroutine) string {
	if lane, ok := r.coroutines[co]; ok {
		return lane
	}
	lane := r.renamed(co.Name())
	r.lanes[lane]++
	if n := r.lanes[lane]; n > 1 {
		lane = fmt.Sprintf("%s#%d", lane, n)
	}
	r.coroutines[co] = lane
	return lane
}

// CoroutineName returns the name the recorder draws co under: its lane,
// once co has run; before, its name with the renames applied.
func (r *Recorder) CoroutineName(co *coroutines.Coroutine) string {
	if lane, ok := r.coroutines[co]; ok {
		return lane
	}
	return r.renamed(co.Name())
}

// ParkedOn returns what co waits on (co.ParkedOn), with the renames
// applied, as a Parked event would say it.
func (r *Recorder) ParkedOn(co *coroutines.Coroutine) string {
	return r.renamed(co.ParkedOn())
}

// trimFunc shortens a function's full name to its package and name:
// "github.com/loopkit/loopkit/callbacks.(*Conn).onReadable-fm" becomes
// "callbacks.(*Conn).onReadable". ("-fm" marks a method value.)
func trimFunc(name string) string {
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	return strings.TrimSuffix(name, "-fm")
}
