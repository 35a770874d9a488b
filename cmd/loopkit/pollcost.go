package main

import (
	"time"

	"github.com/loopkit/loopkit/internal/pollcost"
	"github.com/loopkit/loopkit/loop"
)

// pollCost measures what one iteration of a loop on backend costs with
// idle fds watched (package pollcost says how, and why select's cost grows
// where epoll's stays flat).
func pollCost(backend string, idle, iterations int) (time.Duration, error) {
	l, err := loop.New(loop.WithBackend(backend))
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return pollcost.Measure(l, idle, iterations)
}
