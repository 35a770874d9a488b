package looptest

import (
	"sync"
	"time"

	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// A countingPoller wraps the poller under a loop so the checks can see each
// Wait: how many there were and the timeout of each.
type countingPoller struct {
	loop.Poller

	mu       sync.Mutex
	timeouts []time.Duration // guarded by mu
	waiting  chan struct{}   // closed at the first Wait that blocks (timeout < 0)
	once     sync.Once
}

func newCountingPoller(p loop.Poller) *countingPoller {
	return &countingPoller{Poller: p, waiting: make(chan struct{})}
}

func (p *countingPoller) Wait(timeout time.Duration, ready []loop.Event) (int, error) {
	p.mu.Lock()
	p.timeouts = append(p.timeouts, timeout)
	p.mu.Unlock()
	if timeout < 0 {
		p.once.Do(func() { close(p.waiting) })
	}
	return p.Poller.Wait(timeout, ready)
}

// waits returns the timeouts of every Wait so far.
func (p *countingPoller) waits() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Duration(nil), p.timeouts...)
}

// pipe returns a new non-blocking pipe, closed when the check ends.
func (c *loopCheck) pipe() (r, w int) {
	p, err := newPipe()
	if err != nil {
		c.fatalf("making a pipe: %v", err)
	}
	c.mu.Lock()
	c.fds = append(c.fds, p[0], p[1])
	c.mu.Unlock()
	return p[0], p[1]
}

// write puts one byte in a pipe, making its read end readable.
func (c *loopCheck) write(fd int) {
	if _, err := unix.Write(fd, []byte{'x'}); err != nil {
		c.fatalf("write to fd %d: %v", fd, err)
	}
}

// drain empties a pipe's read end.
func drain(fd int) {
	var buf [512]byte
	for {
		if n, err := unix.Read(fd, buf[:]); n <= 0 || err != nil {
			return
		}
	}
}

// runOnce runs one iteration and fails the check if it returns an error.
func (c *loopCheck) runOnce() {
	if err := c.l.RunOnce(); err != nil {
		c.fatalf("RunOnce() = %v, want nil", err)
	}
}

// nudge queues a callback that does nothing, so that the next RunOnce polls
// without blocking.
func (c *loopCheck) nudge() { c.l.CallSoon(func() {}) }

func (c *loopCheck) addReader(fd int, fn func()) {
	if err := c.l.AddReader(fd, fn); err != nil {
		c.fatalf("AddReader(%d) = %v, want nil", fd, err)
	}
}

func (c *loopCheck) addWriter(fd int, fn func()) {
	if err := c.l.AddWriter(fd, fn); err != nil {
		c.fatalf("AddWriter(%d) = %v, want nil", fd, err)
	}
}

func closeFD(fd int) { unix.Close(fd) }

// a log of what ran, in order.
type ranLog struct {
	mu  sync.Mutex
	ran []string
}

func (r *ranLog) add(s string) func() {
	return func() { r.record(s) }
}

func (r *ranLog) record(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ran = append(r.ran, s)
}

func (r *ranLog) get() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string{}, r.ran...)
}
