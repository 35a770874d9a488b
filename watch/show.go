package watch

import (
	"github.com/loopkit/loopkit/trace"
)

// historyRows is how many rows of the diagram the watcher keeps for the
// pages: what a page opened late (or reloaded) shows at once, and how far
// a slow page may fall behind before rows are dropped for it. A screen
// shows a few dozen; the rest is slack for a page that reads in bursts.
const historyRows = 1000

// Show hands the pages a frame, on the watched loop's goroutine at the
// start of an iteration: what the loop holds now, and the events recorded
// since the last frame (whole iterations). Then, if the page has paused
// the loop, it waits there until the page lets an iteration run (Step)
// or the loop run (Run), or the watcher closes.
//
// The Watcher's own IterationStarted calls it; a program that records
// with a trace.Recorder of its own (trace/scenarios, whose runs are laid
// out the same on every run) calls it from its pause at the start of each
// iteration instead, and gives the watcher no observer role.
//
// Show never waits for a page: it puts the frame where the pages take it
// and wakes them. A page that falls behind finds the frames it missed
// coalesced into the latest, and the rows older than the last
// historyRows dropped, and shows how many.
func (w *Watcher) Show(s trace.Snapshot, events []trace.Event) {
	rows := w.live.Add(events)
	f := newFrame(s, events, w.live.Lanes())
	w.mu.Lock()
	if w.closed || w.ended {
		w.mu.Unlock()
		return
	}
	w.frames++
	w.frame = f
	for _, r := range rows {
		w.rows.push(r)
	}
	w.mu.Unlock()
	w.wakePages()
	w.waitWhileHeld()
}

// waitWhileHeld waits while the page holds the loop, until a Step lets one
// iteration run, Run lets the loop go, or the watcher closes. It is the one
// place where the watched loop waits outside its poll call, and only
// because the person at the page asked it to: a paused loop is the point
// of a pause.
func (w *Watcher) waitWhileHeld() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for w.held && w.steps == 0 && !w.closed {
		w.cond.Wait()
	}
	if w.steps > 0 {
		w.steps--
	}
}

// Finish shows the events recorded since the last frame and tells the
// pages the run has ended: a scenario's last iteration, which no
// IterationStarted follows. Call it on the goroutine that called Show,
// once the loop has stopped; nothing is shown after it.
func (w *Watcher) Finish(events []trace.Event) {
	rows := w.live.Add(events)
	w.mu.Lock()
	w.ended = true
	w.frames++
	w.frame.Lanes = toLanes(w.live.Lanes())
	for _, r := range rows {
		w.rows.push(r)
	}
	w.mu.Unlock()
	w.wakePages()
}

// Pause holds the loop at the start of its next iteration, until Step or
// Run: a program watched from its first iteration calls it before the
// loop runs. Any goroutine; the page's Pause button calls it.
func (w *Watcher) Pause() { w.control(true, 0) }

// Step lets one more iteration of a held loop run. Any goroutine; the
// page's Step button calls it.
func (w *Watcher) Step() { w.control(true, 1) }

// Run lets the loop run without waiting for the page. Any goroutine; the
// page's Run button calls it.
func (w *Watcher) Run() { w.control(false, 0) }

// control sets whether the loop is held, and lets steps more iterations
// run: Pause forgets steps not taken yet.
func (w *Watcher) control(held bool, steps int) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.held = held
	if steps == 0 {
		w.steps = 0
	}
	w.steps += steps
	w.wanted.Store(held || len(w.pages) > 0)
	w.mu.Unlock()
	w.cond.Broadcast()
	w.wakePages()
}
