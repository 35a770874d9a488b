// Package minipool is a thread pool for a loop, in two halves. The queue
// half, given, takes work from the loop to a few worker goroutines. The
// delivery half, which you write in tutorial step 14 (handback.go), brings
// each result back to the loop. Fill in the functions that panic with
// TODO(step14); go test ./tutorials/14-unpollable checks them.
//
// It is the kit's package threadpool cut to what the lesson needs: a fixed
// number of workers that live until Close, a queue of fixed size, and no
// cancellation. threadpool's doc says what production pools add.
package minipool

import (
	"errors"
	"runtime/debug"
	"sync"

	"github.com/loopkit/loopkit/loop"
)

// A Pool runs functions on worker goroutines and hands each result back to
// its loop. Submit belongs to the loop goroutine; Close to whoever ran the
// loop, once Run has returned.
type Pool struct {
	loop  *loop.Loop
	queue chan *work // the loop sends, the workers receive
	wg    sync.WaitGroup
}

// queueSize is how many works may wait for a worker.
const queueSize = 64

// ErrFull is what done gets when the queue holds queueSize works already:
// Submit never blocks the loop to wait for room.
var ErrFull = errors.New("minipool: queue full")

// ErrPanicked is wrapped by what done gets when the work panicked.
var ErrPanicked = errors.New("minipool: the work panicked")

// New returns a pool of workers goroutines that hand their results to l.
func New(l *loop.Loop, workers int) *Pool {
	p := &Pool{loop: l, queue: make(chan *work, queueSize)}
	p.wg.Add(workers)
	for range workers {
		go p.worker()
	}
	return p
}

// Submit queues fn to run on a worker; done then runs on the loop with what
// fn returned. Until done has run, the pool holds the loop (loop.Hold), so
// that Run does not return while a result is on its way.
func (p *Pool) Submit(fn func() ([]byte, error), done func([]byte, error)) {
	w := &work{fn: fn, done: done, release: p.loop.Hold()}
	select {
	case p.queue <- w:
	default:
		w.release()
		p.loop.CallSoon(func() { done(nil, ErrFull) })
	}
}

// Close ends the workers once the queued works have run, and waits for
// them: no goroutine outlives the pool.
func (p *Pool) Close() {
	close(p.queue)
	p.wg.Wait()
}

// A work is one function on its way through the pool.
type work struct {
	// Set by Submit.
	fn      func() ([]byte, error) // runs on a worker
	done    func([]byte, error)    // runs on the loop
	release func()                 // lets the loop go: call it once done has run

	// Set by the worker before handBack; read on the loop after it.
	result   []byte
	err      error
	panicked *loop.PanicError // fn's panic, with its stack; nil if fn returned
}

// worker is one worker's life: take a work, run it, hand it back; until
// Close.
func (p *Pool) worker() {
	defer p.wg.Done()
	for w := range p.queue {
		w.run()
		p.handBackSafely(w)
	}
}

// run calls fn and keeps what it returned, or its panic with the stack, as
// the loop does for a callback: a panic must not end the program, and must
// not pass silently either.
func (w *work) run() {
	defer func() {
		if v := recover(); v != nil {
			w.panicked = &loop.PanicError{Value: v, Stack: debug.Stack(), Name: "pool work"}
		}
	}()
	w.result, w.err = w.fn()
}

// handBackSafely calls handBack, and reports a panic of it to the loop's
// error handler: on a worker, nothing else would recover it.
func (p *Pool) handBackSafely(w *work) {
	defer func() {
		if v := recover(); v != nil {
			p.loop.ReportError(&loop.PanicError{Value: v, Stack: debug.Stack(), Name: "handBack"})
		}
	}()
	p.handBack(w)
}
