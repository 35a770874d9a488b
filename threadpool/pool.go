package threadpool

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/loopkit/loopkit/loop"
)

// A Pool runs blocking work on a few worker goroutines and hands each result
// back to its loop as a callback.
//
// Submit, Cancel and the helpers (ReadFile, WriteFile, LookupHost) belong
// to the loop goroutine, as every loop method does; the work itself runs on
// a worker and must not touch the loop.
type Pool struct {
	// Set by New, then read-only.
	loop     *loop.Loop
	workers  int // at most this many run work at once
	capacity int // at most this many wait for a worker

	// Owned by the loop goroutine.
	pending int    // submitted, done not yet called
	release func() // releases the loop's Hold while pending > 0

	// Guarded by mu: the workers take work from the queue.
	mu      sync.Mutex
	queue   []*Work // waiting for a worker, oldest first
	running int     // worker goroutines started and not yet ended
	closed  bool    // the loop refused a result: nothing more will run
}

// Defaults: libuv's pool has 4 threads (UV_THREADPOOL_SIZE); the queue
// bound is the kit's, large enough that a burst of file reads fits, small
// enough that a runaway producer hears about it.
const (
	DefaultWorkers = 4
	DefaultQueue   = 1024
)

// ErrFull is wrapped by the error of Submit when the queue holds its
// capacity already.
var ErrFull = errors.New("threadpool: queue full")

// ErrCancelled is what done gets for work cancelled before it began.
var ErrCancelled = errors.New("threadpool: cancelled before it ran")

// ErrPanicked is wrapped by what done gets for work that panicked; the
// panic itself, with its stack, went to the loop's error handler.
var ErrPanicked = errors.New("threadpool: the work panicked")

// An Option changes how New builds a pool.
type Option func(*Pool)

// WithWorkers sets how many works may run at once (DefaultWorkers).
func WithWorkers(n int) Option { return func(p *Pool) { p.workers = n } }

// WithQueue sets how many works may wait for a worker (DefaultQueue).
func WithQueue(n int) Option { return func(p *Pool) { p.capacity = n } }

// New returns a pool that hands its results to l. It starts no goroutine:
// workers are started as work comes, and end when the queue is empty.
func New(l *loop.Loop, opts ...Option) (*Pool, error) {
	p := &Pool{loop: l, workers: DefaultWorkers, capacity: DefaultQueue}
	for _, opt := range opts {
		opt(p)
	}
	if p.workers < 1 {
		return nil, fmt.Errorf("threadpool: WithWorkers(%d): want at least 1", p.workers)
	}
	if p.capacity < 1 {
		return nil, fmt.Errorf("threadpool: WithQueue(%d): want at least 1", p.capacity)
	}
	return p, nil
}

// Loop returns the loop the pool hands its results to.
func (p *Pool) Loop() *loop.Loop { return p.loop }

// Submit queues work to run on a worker, then done to run on the loop: with
// nil once work has returned, ErrCancelled if Cancel took it off the queue
// first, or an error wrapping ErrPanicked if it panicked. Until done has
// run, the pool holds the loop (loop.Hold), so Run does not return while a
// result is on its way. Loop goroutine only.
//
// Submit never blocks: with the queue full, it returns an error wrapping
// ErrFull and neither function runs. Waiting for room would stall the loop,
// which is the one thing the pool is for avoiding.
func (p *Pool) Submit(work func(), done func(err error)) (*Work, error) {
	if work == nil || done == nil {
		return nil, errors.New("threadpool: Submit: nil work or done")
	}
	w := &Work{pool: p, fn: work, done: done}
	if err := p.enqueue(w); err != nil {
		return nil, err
	}
	p.hold()
	return w, nil
}

// enqueue puts w at the end of the queue, and starts a worker for it unless
// enough run already.
func (p *Pool) enqueue(w *Work) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return fmt.Errorf("threadpool: Submit: %w", loop.ErrClosed)
	}
	if len(p.queue) >= p.capacity {
		return fmt.Errorf("%w: %d works wait, %d run (WithQueue, WithWorkers)", ErrFull, len(p.queue), p.running)
	}
	p.queue = append(p.queue, w)
	if p.running < p.workers {
		p.running++
		go p.work()
	}
	return nil
}

// work is a worker's life. It loops, doing:
//   - take the oldest work from the queue, or end if there is none;
//   - run it;
//   - hand it back to the loop.
//
// A worker that finds the queue empty ends rather than wait for more: a
// goroutine is cheap to start again, and so no worker outlives the work, the
// pool or the loop. (libuv's threads wait on a condition variable for ever:
// a thread is expensive to start.)
func (p *Pool) work() {
	var w *Work
	defer p.goexited(&w)
	for w = p.next(); w != nil; w = p.next() {
		w.run()
		p.handBack(w)
	}
}

// goexited is called as a worker ends. If it ends with *current not nil,
// the work called runtime.Goexit (as t.FailNow does): run recovers a
// panic, but nothing stops a Goexit from ending the goroutine. Rather than
// leave done never called and the loop held for ever, the work is handed
// back as having panicked, and a new worker takes this one's place.
func (p *Pool) goexited(current **Work) {
	w := *current
	if w == nil {
		return
	}
	w.panicked = &loop.PanicError{Value: "runtime.Goexit called by the work", Stack: debug.Stack(), Name: "threadpool work"}
	p.handBack(w)
	go p.work()
}

// next takes the oldest work off the queue, or, with the queue empty, counts
// this worker out and returns nil. Both under one lock, so that enqueue
// never counts on a worker that is about to end.
func (p *Pool) next() *Work {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.queue) == 0 {
		p.running--
		return nil
	}
	w := p.queue[0]
	p.queue[0] = nil
	p.queue = p.queue[1:]
	return w
}

// handBack queues w's done on the loop. If the loop is closed, nothing can
// run there any more: the pool drops the queued works unrun, and a panic of
// w goes to the error handler from here rather than be lost.
func (p *Pool) handBack(w *Work) {
	if err := p.loop.CallSoonThreadSafe(w.finish); err != nil {
		p.mu.Lock()
		p.closed = true
		clear(p.queue)
		p.queue = nil
		p.mu.Unlock()
		if w.panicked != nil {
			p.loop.ReportError(w.panicked)
		}
	}
}

// hold and unhold count the works whose done has not run, and hold the loop
// while there are any: one Hold for all, not one each, as a wake-up of the
// loop is a system call.
func (p *Pool) hold() {
	if p.pending == 0 {
		p.release = p.loop.Hold()
	}
	p.pending++
}

func (p *Pool) unhold() {
	p.pending--
	if p.pending == 0 {
		p.release()
		p.release = nil
	}
}
