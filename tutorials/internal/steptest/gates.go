package steptest

import (
	"sync"
	"time"
)

// A Gate is a channel the check controls. Code under check waits on it (a
// lookup that never answers until the check says so, a client that stays
// connected and idle), and the check opens it when it has seen what it
// wanted to see meanwhile. A check built on gates asks "did B happen while
// A was held?", which has the same answer on a laptop and on a loaded
// 2-core CI machine; a stopwatch would not.
type Gate struct {
	ch   chan struct{}
	once sync.Once
}

// NewGate returns a closed gate: Wait blocks until Open.
func NewGate() *Gate { return &Gate{ch: make(chan struct{})} }

// Open lets every waiter through, now and later. Calling it twice is
// harmless.
func (g *Gate) Open() { g.once.Do(func() { close(g.ch) }) }

// Wait blocks until the gate is open.
func (g *Gate) Wait() { <-g.ch }

// Opened returns a channel closed when the gate opens, for select.
func (g *Gate) Opened() <-chan struct{} { return g.ch }

// Within waits at most bound for done to be closed, and reports whether it
// was. The bound only limits how long a wrong program takes to fail.
func Within(bound time.Duration, done <-chan struct{}) bool {
	timer := time.NewTimer(bound)
	defer timer.Stop()
	select {
	case <-done:
		return true
	case <-timer.C:
		return false
	}
}
