package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/loopkit/loopkit/internal/pollcost"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

// measurePollCost prints, for each count of idle fds in the list
// ("1,10,100"), what one iteration of the kit's loop costs on your poller:
//
//	poll cost: 100 idle fds: 5321 ns per iteration
//
// loopkit compare --yours reads these lines to draw your poller beside the
// kit's backends. Your poller must pass looptest.TestPoller first: the
// measure drives it in a tight loop that a broken Wait would hang.
func measurePollCost(r step.Run, list string) error {
	var counts []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return fmt.Errorf("-pollcost: %q is not a count of fds", s)
		}
		counts = append(counts, n)
	}
	if err := r.Conform("TestPoller", "poller"); err != nil {
		return err
	}
	for _, n := range counts {
		d, err := pollCost(impls[r.Impl], n)
		if err != nil {
			fmt.Fprintf(r.Out, "poll cost: %d idle fds: error: %v\n", n, err)
			continue
		}
		fmt.Fprintf(r.Out, "poll cost: %d idle fds: %d ns per iteration\n", n, d.Nanoseconds())
	}
	return nil
}

// pollCost measures a loop iteration on a poller from newPoller with idle
// fds watched, as loopkit compare measures the kit's backends (package
// pollcost): select hands the kernel every watched fd at every call, so
// its cost grows with the idle fds.
func pollCost(newPoller func() (loop.Poller, error), idle int) (time.Duration, error) {
	p, err := newPoller()
	if err != nil {
		return 0, err
	}
	l, err := loop.New(loop.WithPoller(p))
	if err != nil {
		p.Close()
		return 0, err
	}
	defer l.Close()
	return pollcost.Measure(l, idle, pollcost.Iterations)
}
