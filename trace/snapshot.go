package trace

import (
	"slices"
	"time"

	"github.com/loopkit/loopkit/coroutines"
)

// A Snapshot is what a loop holds between two iterations, in the words of
// the diagrams: fds by name, times since the recorder was attached.
// `loopkit trace --step` prints one before each iteration, and the live
// view (package watch) shows one.
type Snapshot struct {
	Iteration  uint64          // the iteration about to start
	Clock      time.Duration   // the loop's clock
	Readers    []string        // the fds with a reader, in increasing fd order
	Writers    []string        // the fds with a writer, in increasing fd order
	Timers     []time.Duration // the pending timers' deadlines, in firing order
	Ready      int             // callbacks on the ready queue
	Coroutines []Coroutine     // the coroutines that have not finished, in spawn order
}

// A Coroutine is a live coroutine in a Snapshot.
type Coroutine struct {
	Name     string
	ParkedOn string // what it waits on; "" if it has not started yet (or runs)
}

// Snapshot returns what the attached loop holds now, and the coroutines of
// hub (nil: none). Call it on the loop goroutine from an observer's
// IterationStarted: Iteration is the iteration starting. Without Attach it
// knows only the iteration the recorder last saw start. It costs what
// loop.State costs, and an fstat per fd (a name belongs to the file, and
// the number may hold another by now): for showing, not for the hot path.
func (r *Recorder) Snapshot(hub *coroutines.Hub) Snapshot {
	if r.loop == nil {
		return Snapshot{Iteration: r.iteration}
	}
	st := r.loop.State()
	s := Snapshot{Iteration: st.Iteration, Clock: r.since(st.Now), Ready: st.Ready}
	// Name the fds in increasing order, as the next poll would: a run
	// shown step by step names them as a run that is not. One fstat each.
	names := map[int]string{}
	for _, fd := range slices.Sorted(slices.Values(slices.Concat(st.Readers, st.Writers))) {
		names[fd] = r.FDName(fd)
	}
	for _, fd := range st.Readers {
		s.Readers = append(s.Readers, names[fd])
	}
	for _, fd := range st.Writers {
		s.Writers = append(s.Writers, names[fd])
	}
	for _, t := range st.Timers {
		s.Timers = append(s.Timers, r.since(t))
	}
	if hub != nil {
		for _, co := range hub.Coroutines() {
			s.Coroutines = append(s.Coroutines, Coroutine{Name: r.CoroutineName(co), ParkedOn: r.ParkedOn(co)})
		}
	}
	return s
}
