package loop

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// WithWatchdog turns on the blocked-loop detector: when the loop has gone
// longer than threshold without polling (one callback that blocks or
// computes, or a long run of them), it reports a *StalledError to the error
// handler, naming the callback running at that moment with its file:line
// and the loop goroutine's stack, once per stall. gevent's monitor thread
// and asyncio's slow-callback warning do the same.
//
// It costs nothing when off. When on, it costs a mutex per callback, and a
// goroutine that wakes every threshold/4 while the loop runs (started by
// each Run or RunOnce, and stopped before it returns). The threshold must
// be at least 1ms: New refuses less.
//
// Discussion: this is the one place the loop keeps a goroutine and a
// runtime ticker of its own. A watchdog cannot wait in the loop it watches:
// a stalled loop never polls, so its timers would never fire.
func WithWatchdog(threshold time.Duration) Option {
	return func(c *config) { c.watchdog = threshold }
}

// A StalledError reports a loop that kept running user code for longer than
// the watchdog's threshold without polling: meanwhile no fd was served and
// no timer fired.
type StalledError struct {
	Callback string        // the function running when the stall was seen
	File     string        // where that function begins
	Line     int           // (with File)
	Running  time.Duration // how long the loop had gone without polling
	Stack    []byte        // the loop goroutine's stack at that moment
}

func (e *StalledError) Error() string {
	return fmt.Sprintf("loop: callback %s (%s:%d) has kept the loop from polling for %v: "+
		"no other fd or timer was served meanwhile\n%s", e.Callback, e.File, e.Line, e.Running.Round(time.Millisecond), e.Stack)
}

// A watchdog watches one loop from a goroutine of its own.
type watchdog struct {
	threshold time.Duration
	report    func(error)

	mu        sync.Mutex // guards the fields below
	since     time.Time  // when the loop last returned from poll; zero while it polls or is stopped
	current   Callback   // the callback running now, if any
	running   bool       // a callback is running
	goroutine uint64     // the loop goroutine's id, for its stack
	reported  bool       // this stall was reported already

	stop chan struct{} // closed by halt: the watching goroutine returns
	done chan struct{} // closed by the watching goroutine when it returns
}

// start begins watching the loop that runs on the calling goroutine.
func (w *watchdog) start() {
	w.mu.Lock()
	w.goroutine = goroutineID()
	w.since = time.Now()
	w.stop, w.done = make(chan struct{}), make(chan struct{})
	stop, done := w.stop, w.done
	w.mu.Unlock()
	go w.watch(stop, done)
}

// watch checks the loop every quarter of the threshold until stopped.
func (w *watchdog) watch(stop, done chan struct{}) {
	defer close(done)
	tick := time.NewTicker(w.threshold / 4)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case now := <-tick.C:
			if err := w.check(now); err != nil {
				w.report(err)
			}
		}
	}
}

// check returns a StalledError the first time a stall passes the threshold.
func (w *watchdog) check(now time.Time) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.since.IsZero() || w.reported || now.Sub(w.since) < w.threshold {
		return nil
	}
	w.reported = true
	err := &StalledError{Callback: "(between callbacks)", Running: now.Sub(w.since), Stack: goroutineStack(w.goroutine)}
	if w.running {
		err.Callback = w.current.Name()
		err.File, err.Line = w.current.Location()
	}
	return err
}

// halt stops the watching goroutine and waits until it has returned, so that
// no report can come after Run returned.
func (w *watchdog) halt() {
	w.mu.Lock()
	close(w.stop)
	w.since = time.Time{}
	done := w.done
	w.mu.Unlock()
	<-done
}

// The loop calls these around its poll and each callback.
func (w *watchdog) polling() {
	w.mu.Lock()
	w.since = time.Time{}
	w.mu.Unlock()
}

func (w *watchdog) polled() {
	w.mu.Lock()
	w.since, w.reported = time.Now(), false
	w.mu.Unlock()
}

func (w *watchdog) callbackStarted(cb Callback) {
	w.mu.Lock()
	w.current, w.running = cb, true
	w.mu.Unlock()
}

func (w *watchdog) callbackReturned() {
	w.mu.Lock()
	w.current, w.running = Callback{}, false
	w.mu.Unlock()
}

// goroutineID returns the id of the calling goroutine, read from the first
// line of its stack ("goroutine 7 [running]:"). Go hides goroutine ids on
// purpose; the watchdog needs one only to find the loop's stack among all.
func goroutineID() uint64 {
	var buf [64]byte
	line := buf[:runtime.Stack(buf[:], false)]
	line = bytes.TrimPrefix(line, []byte("goroutine "))
	id, _ := strconv.ParseUint(string(line[:bytes.IndexByte(line, ' ')]), 10, 64)
	return id
}

// goroutineStack returns the stack of goroutine id, from a dump of all.
func goroutineStack(id uint64) []byte {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	header := []byte("goroutine " + strconv.FormatUint(id, 10) + " ")
	for _, block := range bytes.Split(buf, []byte("\n\n")) {
		if bytes.HasPrefix(block, header) {
			return block
		}
	}
	return []byte("(the loop goroutine's stack was not found)")
}
