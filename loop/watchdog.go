package loop

import (
	"bytes"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WithWatchdog turns on the blocked-loop detector: when the loop has gone
// longer than threshold without polling (one callback that blocks or
// computes, or a long run of them), it reports a *StalledError to the error
// handler, once per stall, naming the code running at that moment: the
// callback, or the code a front end handed control to (a coroutine, see
// RunningOn), with the line of the user's code it is at and its goroutine's
// stack. gevent's monitor thread and asyncio's slow-callback warning do the
// same.
//
// It costs nothing when off. When on, it is an Observer of the loop, teed
// with the user's (WithObserver): it costs a mutex per callback, and a
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
	Callback string        // the function of the callback running when the stall was seen
	HandedTo string        // the code that callback handed control to, named by a front end (RunningOn), or ""
	File     string        // the line running in the user's code: the topmost frame of Stack
	Line     int           // outside the standard library and the kit ("?" and 0 if none is)
	Running  time.Duration // how long the loop had gone without polling
	Stack    []byte        // the stack of the goroutine running that code at that moment
}

func (e *StalledError) Error() string {
	who := "callback " + e.Callback
	if e.HandedTo != "" {
		who = e.HandedTo
	}
	return fmt.Sprintf("loop: %s (%s:%d) has kept the loop from polling for %v: "+
		"no other fd or timer was served meanwhile\n%s", who, e.File, e.Line, e.Running.Round(time.Millisecond), e.Stack)
}

// A Goroutine is a goroutine that a front end hands the loop's control to,
// as the watchdog knows it (see RunningOn). The zero Goroutine is ready to
// use: the watchdog reads the goroutine's id the first time it needs it.
type Goroutine struct{ id uint64 }

// RunningOn tells the loop that, until the next RunningOn or the end of the
// running callback, the user code it runs is name, on the calling goroutine
// g: the callback has handed control to g and waits for it. A front end
// whose user code runs on goroutines of its own (package coroutines) calls
// it on such a goroutine each time it takes control, and RunningOn(nil, "")
// right before it hands control back. Then a watchdog blames a stall on
// name and on g's stack, not on the callback that waits for g.
//
// Without a watchdog it costs a nil check; with one, a mutex, and the first
// call on each goroutine reads the goroutine's stack (about 2µs).
func (l *Loop) RunningOn(g *Goroutine, name string) {
	if l.watchdog != nil {
		l.watchdog.runningOn(g, name)
	}
}

// A watchdog watches one loop from a goroutine of its own. It is an
// Observer of the loop, teed with the user's (see tee).
type watchdog struct {
	NopObserver
	threshold time.Duration
	report    func(error)

	mu        sync.Mutex // guards the fields below
	since     time.Time  // when the loop last returned from poll; zero while it polls or is stopped
	current   Callback   // the callback running now, if any
	running   bool       // a callback is running
	goroutine uint64     // the goroutine running user code now: the loop's, or one handed control (RunningOn)
	loopG     uint64     // the loop goroutine
	handedTo  string     // the name of the code handed control, or ""
	reported  bool       // this stall was reported already

	stop chan struct{} // closed by halt: the watching goroutine returns
	done chan struct{} // closed by the watching goroutine when it returns
}

// start begins watching the loop that runs on the calling goroutine.
func (w *watchdog) start() {
	w.mu.Lock()
	w.loopG = goroutineID()
	w.goroutine = w.loopG
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
	err := &StalledError{Callback: "(between callbacks)", HandedTo: w.handedTo, Running: now.Sub(w.since), Stack: goroutineStack(w.goroutine)}
	if w.running {
		err.Callback = w.current.Name()
	}
	err.File, err.Line = userFrame(err.Stack)
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

// The watchdog's Observer methods: a poll ends a stall, a callback is the
// code to blame.
func (w *watchdog) PollStarted(time.Duration) {
	w.mu.Lock()
	w.since = time.Time{}
	w.mu.Unlock()
}

func (w *watchdog) PollReturned([]Event) {
	w.mu.Lock()
	w.since, w.reported = time.Now(), false
	w.mu.Unlock()
}

func (w *watchdog) CallbackStarted(cb Callback) {
	w.mu.Lock()
	w.current, w.running = cb, true
	w.mu.Unlock()
}

func (w *watchdog) CallbackReturned(Callback) {
	w.mu.Lock()
	w.current, w.running = Callback{}, false
	w.goroutine, w.handedTo = w.loopG, ""
	w.mu.Unlock()
}

func (w *watchdog) runningOn(g *Goroutine, name string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if g == nil {
		w.goroutine, w.handedTo = w.loopG, ""
		return
	}
	if g.id == 0 {
		g.id = goroutineID()
	}
	w.goroutine, w.handedTo = g.id, name
}

// userFrame returns the topmost frame of a goroutine's stack (as
// runtime.Stack writes it) that is the user's: outside the standard library
// and outside the kit's own packages, whose frames (a hand-off, a
// callback's dispatch) are never the code that blocks. A method value's
// wrapper (c.readable, "<autogenerated>:1") is skipped the same way: its
// method is the frame below.
func userFrame(stack []byte) (file string, line int) {
	lines := strings.Split(string(stack), "\n")
	for i := 1; i+1 < len(lines); i += 2 { // lines[0] is "goroutine 7 [running]:"
		if strings.HasPrefix(lines[i], "created by ") {
			break
		}
		function := lines[i][:max(strings.LastIndexByte(lines[i], '('), 0)]
		where, _, _ := strings.Cut(strings.TrimSpace(lines[i+1]), " ") // "/path/conn.go:133 +0x2a"
		colon := strings.LastIndexByte(where, ':')
		n, err := strconv.Atoi(where[colon+1:])
		if colon < 0 || err != nil || where[:colon] == "<autogenerated>" || !isUsers(function, where[:colon]) {
			continue
		}
		return where[:colon], n
	}
	return "?", 0
}

// isUsers reports whether function, defined in file, is the user's code:
// not the standard library's (whose import paths have no dot in their first
// element, such as "time" or "net/http"; "main" is the user's) and not a
// kit package's, tests excepted.
func isUsers(function, file string) bool {
	pkg := function[:strings.LastIndexByte(function, '/')+1]
	rest := function[len(pkg):]
	pkg += rest[:max(strings.IndexByte(rest, '.'), 0)]
	first, _, _ := strings.Cut(pkg, "/")
	if !strings.Contains(first, ".") && pkg != "main" {
		return false
	}
	return !kitPackages[strings.TrimPrefix(pkg, "github.com/loopkit/loopkit/")] || strings.HasSuffix(file, "_test.go")
}

// kitPackages are the packages that run user code: the loop and its front
// ends. The watchdog looks past their frames for the user's.
var kitPackages = map[string]bool{
	"loop": true, "timers": true, "waiters": true,
	"callbacks": true, "callbacks/protocol": true, "coroutines": true,
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
