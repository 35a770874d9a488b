package loop

import (
	"fmt"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loopkit/loopkit/timers"
	"github.com/loopkit/loopkit/waiters"
	"golang.org/x/sys/unix"
)

// A Loop waits for fds and timers in one poll call and runs the callbacks
// that were waiting for them.
//
// All methods but CallSoonThreadSafe and Hold belong to the loop goroutine:
// the goroutine that calls Run or RunOnce, and the callbacks it runs. Before
// Run, the goroutine that made the loop may set it up.
type Loop struct {
	// Set by New, then read-only.
	backend   string
	poller    Poller
	clock     timers.Clock
	manual    bool // the clock moves only when told (timers.Notifier)
	onError   func(error)
	observer  Observer  // the user's, the watchdog, both teed, or nil
	watchdog  *watchdog // nil unless WithWatchdog
	maxFD     int       // the poller's FDLimiter limit, or 0 for none
	openLimit int       // no fd reaches this: RLIMIT_NOFILE's hard limit
	wake      *waker

	// Owned by the loop goroutine.
	waiters     *waiters.Set
	timers      timers.Heap
	ready       []task // the ready queue: run in order by the next RunOnce
	spare       []task // the previous iteration's ready queue, kept for reuse
	events      []Event
	stopping    bool
	closing     bool // Close was called by a callback: close when Run returns
	closed      bool
	iteration   uint64
	exitChecks  []func() error
	spareRemote []func() // the remote queue of the last take, emptied, for reuse

	// Shared with other goroutines.
	running atomic.Bool  // inside Run or RunOnce
	inPoll  atomic.Bool  // the loop goroutine is inside Poller.Wait
	holds   atomic.Int64 // Hold calls not yet released

	mu           sync.Mutex // guards remote and remoteClosed
	remote       []func()   // queued by CallSoonThreadSafe
	remoteClosed bool       // Close has run: CallSoonThreadSafe refuses
}

// maxEvents is how many ready fds one Wait may return. More stay ready and
// come back at the next Wait (polling is level-triggered), so this bounds
// the work of one iteration, not what the loop can serve.
const maxEvents = 1024

// New returns a loop with the options applied. By default it uses the best
// backend of the OS (Backends()[0]), or the one named by the environment
// variable LOOPKIT_BACKEND, the real clock, and an error handler that prints
// to standard error.
func New(opts ...Option) (*Loop, error) {
	cfg := config{
		backend: os.Getenv("LOOPKIT_BACKEND"),
		clock:   timers.Real{},
		onError: printError,
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.poller == nil {
		if cfg.backend == "" {
			cfg.backend = Backends()[0]
		}
		p, err := NewPoller(cfg.backend)
		if err != nil {
			return nil, err
		}
		cfg.poller = p
	}
	return newLoop(cfg)
}

func newLoop(cfg config) (*Loop, error) {
	l := &Loop{
		backend:  cfg.backend,
		poller:   cfg.poller,
		clock:    cfg.clock,
		onError:  cfg.onError,
		observer: cfg.observer,
		waiters:  waiters.New(),
		events:   make([]Event, maxEvents),
	}
	if cfg.watchdog > 0 && cfg.watchdog < time.Millisecond {
		cfg.poller.Close()
		return nil, fmt.Errorf("loop: WithWatchdog(%v): the threshold must be at least 1ms", cfg.watchdog)
	}
	if cfg.watchdog > 0 {
		l.watchdog = &watchdog{threshold: cfg.watchdog, report: l.onError}
		l.observer = Tee(cfg.observer, l.watchdog)
	}
	l.openLimit = openLimit()
	if limiter, ok := l.poller.(FDLimiter); ok {
		l.maxFD = limiter.MaxFD()
	}
	w, err := newWaker()
	if err != nil {
		l.poller.Close()
		return nil, err
	}
	l.wake = w
	if err := l.poller.Register(w.fd, Readable); err != nil {
		w.close()
		l.poller.Close()
		return nil, fmt.Errorf("loop: registering the wake-up fd: %w", err)
	}
	if n, ok := l.clock.(timers.Notifier); ok {
		l.manual = true
		n.Notify(l.wakeUp)
	}
	return l, nil
}

// openLimit returns a bound no fd of this process can reach: the hard limit
// of RLIMIT_NOFILE (the soft one may be raised up to it later). AddReader
// refuses an fd at or above it before the waiter maps, which are slices
// indexed by fd, would grow to its size.
func openLimit() int {
	var rl unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &rl); err != nil || rl.Max > math.MaxInt32 {
		return math.MaxInt32
	}
	return int(rl.Max)
}

// Backend returns the name of the loop's poller backend, or "" for a poller
// given with WithPoller.
func (l *Loop) Backend() string { return l.backend }

// Now returns the time on the loop's clock: the time timers are measured by.
func (l *Loop) Now() time.Time { return l.clock.Now() }

// ReportError hands err to the loop's error handler. Front ends call it for
// errors that have no caller to return to. Loop goroutine or not: the error
// handler must be safe for the goroutines that report to it.
func (l *Loop) ReportError(err error) { l.onError(err) }

// printError is the default error handler.
func printError(err error) { fmt.Fprintf(os.Stderr, "loopkit: %v\n", err) }

// Close releases the loop's poller and wake-up fd. Callbacks still queued and
// timers still pending are dropped; the fds of waiters still registered are
// the caller's, and stay open. After Close, the methods that can fail return
// ErrClosed (or, having no result, report it to the error handler);
// RemoveReader and RemoveWriter return false.
//
// Called by a callback while the loop runs, Close stops the loop and closes
// it when Run returns.
func (l *Loop) Close() error {
	if err := l.checkGoroutine("Close"); err != nil {
		return err
	}
	if l.closed {
		return ErrClosed
	}
	if l.running.Load() {
		l.closing = true
		l.stopping = true
		// Other goroutines are refused from now on, not when Run returns:
		// what they queue now would never run.
		l.mu.Lock()
		l.remoteClosed = true
		l.mu.Unlock()
		return nil
	}
	return l.closeNow()
}

func (l *Loop) closeNow() error {
	l.closed = true
	l.ready, l.spare = nil, nil
	for l.timers.Len() > 0 {
		l.timers.Peek().Cancel()
	}
	err := l.poller.Close()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.remoteClosed = true
	l.remote = nil
	if werr := l.wake.close(); err == nil {
		err = werr
	}
	return err
}
