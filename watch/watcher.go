package watch

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/trace"
)

// A Watcher shows a loop live in a browser. It is a loop.Observer (give it
// to loop.WithObserver, alone or through loop.Tee) and a
// coroutines.Observer; its page is served on a loop of its own, never on
// the one it watches.
//
//	w, err := watch.Listen("127.0.0.1:0")
//	l, err := loop.New(loop.WithObserver(w))
//	w.Attach(l)
//	hub := coroutines.NewHub(l)
//	w.AttachHub(hub)
//	fmt.Println("watch it on", w.URL())
//	...
//	w.Close()
//
// While no page is open and the loop is not paused, the watched loop pays
// an atomic load per iteration and, per event, an observer call that
// checks a nil pointer. While a page is open, the watcher records as a
// trace.Recorder does, and at the start of each iteration hands the page a
// frame: the rows since the last one and a snapshot of what the loop
// holds.
type Watcher struct {
	// Set by Listen, then read-only.
	server  *server
	url     string
	closing chan struct{} // closed by Close: the pages' streams end

	// Set once, by the first Close.
	closeOnce sync.Once
	closeErr  error

	// Set by the pages and Close, read by the watched loop at the start
	// of each iteration: record while a page is open or the loop is held.
	wanted atomic.Bool

	// Set by Attach and AttachHub, before the loop runs; then owned by the
	// watched loop's goroutine (and the coroutine it runs).
	loop *loop.Loop
	hub  *coroutines.Hub
	rec  *trace.Recorder // nil while nothing is recorded
	live *trace.Live     // the diagram laid out so far

	mu     sync.Mutex // guards the fields below
	cond   *sync.Cond // signalled when held, steps or closed change
	title  string
	pages  map[*page]bool
	held   bool // the loop waits at the start of each iteration...
	steps  int  // ...unless the pages let this many more run
	closed bool
	ended  bool    // Finish was called: no more frames
	frame  frame   // the latest snapshot, sent to every page
	frames uint64  // frames shown so far: a page that skipped some tells
	rows   rowRing // the last rows of the diagram, for pages to take
}

// Listen serves the live view on addr ("127.0.0.1:0" picks a free port;
// URL tells it). Listen on loopback unless the room should see the page
// itself: the page's buttons hold and release the loop, so whoever can
// reach it can pause the program. The server runs on a loop and a
// goroutine of its own (see server.go) until Close.
func Listen(addr string) (*Watcher, error) {
	w := &Watcher{
		closing: make(chan struct{}),
		pages:   map[*page]bool{},
		live:    trace.NewLive(),
		rows:    newRowRing(historyRows),
	}
	w.cond = sync.NewCond(&w.mu)
	s, err := serve(addr, w.routes())
	if err != nil {
		return nil, err
	}
	w.server = s
	w.url = "http://" + s.addr + "/"
	return w, nil
}

// URL returns the address of the page, such as "http://127.0.0.1:7070/".
func (w *Watcher) URL() string { return w.url }

// Attach lets the watcher read l: its waiters, timers, ready queue and
// clock, for the snapshot of each frame. Call it once, right after
// loop.New, before the loop runs. Without it, pages show the events only.
func (w *Watcher) Attach(l *loop.Loop) { w.loop = l }

// AttachHub lets the watcher list h's coroutines and what each waits on,
// and makes it h's observer (h.SetObserver(w)), so that the diagram shows
// the hand-offs. Call it on the loop goroutine before any coroutine runs,
// as Hub.SetObserver wants.
func (w *Watcher) AttachHub(h *coroutines.Hub) {
	w.hub = h
	h.SetObserver(w)
}

// SetTitle sets the line the page shows above everything: what runs, and
// how to take part ("chat on 127.0.0.1:7008: join with telnet"). Any
// goroutine.
func (w *Watcher) SetTitle(title string) {
	w.mu.Lock()
	w.title = title
	w.mu.Unlock()
	w.wakePages()
}

// Close stops serving the page, ends the pages' streams, and lets a loop
// held by the page run on. The watched loop may go on with the watcher as
// its observer, which then records nothing. Close waits for the server's
// loop and goroutines to end. Any goroutine; a second Close waits for the
// first and returns what it returned.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() { w.closeErr = w.close() })
	return w.closeErr
}

func (w *Watcher) close() error {
	w.mu.Lock()
	w.closed = true
	w.held = false
	w.mu.Unlock()
	w.cond.Broadcast()
	w.wanted.Store(false)
	close(w.closing)
	return w.server.close()
}

// Note shows a line of the program's own in the diagram, in lane, or with
// lane "" in the lane of what runs now (see trace.Recorder.Note): a chat
// says who joins and who speaks. Loop goroutine; nothing is recorded while
// no page is open.
func (w *Watcher) Note(lane, text string) {
	if w.rec != nil {
		w.rec.Note(lane, text)
	}
}

// The watched loop's side: loop.Observer. Each method is a branch when
// nothing is recorded.

// IterationStarted shows the page the iteration that ended and what the
// loop holds now, and holds the loop there while the page has paused it.
func (w *Watcher) IterationStarted(n uint64) {
	if !w.wanted.Load() {
		w.rec = nil // a page that comes later starts a new diagram
		return
	}
	if w.rec == nil {
		w.startRecording()
	}
	s := w.rec.Snapshot(w.hub)
	s.Iteration = n // the same, but known without Attach too
	w.Show(s, w.rec.Take())
	w.rec.IterationStarted(n)
}

// startRecording starts a new recording, and a new diagram, from the
// iteration starting: the page that opened sees the loop from there, and
// not the rows of an earlier page's diagram.
func (w *Watcher) startRecording() {
	w.rec = trace.NewRecorder()
	if w.loop != nil {
		w.rec.Attach(w.loop)
	}
	w.live = trace.NewLive()
	w.mu.Lock()
	w.rows.forget()
	w.mu.Unlock()
}

// PollStarted records the poll.
func (w *Watcher) PollStarted(timeout time.Duration) {
	if w.rec != nil {
		w.rec.PollStarted(timeout)
	}
}

// PollReturned records the fds poll found ready.
func (w *Watcher) PollReturned(ready []loop.Event) {
	if w.rec != nil {
		w.rec.PollReturned(ready)
	}
}

// CallbackStarted records a callback.
func (w *Watcher) CallbackStarted(c loop.Callback) {
	if w.rec != nil {
		w.rec.CallbackStarted(c)
	}
}

// CallbackReturned records a callback's return.
func (w *Watcher) CallbackReturned(c loop.Callback) {
	if w.rec != nil {
		w.rec.CallbackReturned(c)
	}
}

// The coroutines' side: coroutines.Observer.

// Resumed records the loop handing control to co.
func (w *Watcher) Resumed(co *coroutines.Coroutine) {
	if w.rec != nil {
		w.rec.Resumed(co)
	}
}

// Parked records co handing control back, waiting on what.
func (w *Watcher) Parked(co *coroutines.Coroutine, what string) {
	if w.rec != nil {
		w.rec.Parked(co, what)
	}
}

// Finished records the end of co.
func (w *Watcher) Finished(co *coroutines.Coroutine, err error) {
	if w.rec != nil {
		w.rec.Finished(co, err)
	}
}
