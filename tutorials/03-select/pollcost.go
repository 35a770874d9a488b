package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

// pollIterations is how many loop iterations a poll cost is the mean of,
// as in loopkit compare.
const pollIterations = 2000

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
		d, err := pollCost(impls[r.Impl], n, pollIterations)
		if err != nil {
			fmt.Fprintf(r.Out, "poll cost: %d idle fds: error: %v\n", n, err)
			continue
		}
		fmt.Fprintf(r.Out, "poll cost: %d idle fds: %d ns per iteration\n", n, d.Nanoseconds())
	}
	return nil
}

// pollCost measures the mean cost of one loop iteration on a poller from
// newPoller, with idle fds watched: idle UDP sockets registered for
// reading, never readable, and one socket that always is, so that every
// poll returns at once with one event. It is the measure of the poll-cost
// chart of loopkit compare (cmd/loopkit/pollcost.go), on your poller:
// select hands the kernel every watched fd at every call, so its cost
// grows with the idle fds.
func pollCost(newPoller func() (loop.Poller, error), idle, iterations int) (time.Duration, error) {
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
	var fds []int
	defer func() {
		for _, fd := range fds {
			l.RemoveReader(fd)
			unix.Close(fd)
		}
	}()
	for range idle {
		fd, _, err := sock.ListenPacket("127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		fds = append(fds, fd)
		if err := l.AddReader(fd, func() {}); err != nil {
			return 0, fmt.Errorf("%d idle fds: %w", idle, err)
		}
	}
	busy, err := alwaysReadable()
	if err != nil {
		return 0, err
	}
	fds = append(fds, busy[0], busy[1])
	if err := l.AddReader(busy[0], func() {}); err != nil {
		return 0, err
	}
	for range iterations / 10 { // warm up: caches, the poller's maps
		l.RunOnce()
	}
	began := time.Now()
	for range iterations {
		if err := l.RunOnce(); err != nil {
			return 0, err
		}
	}
	return time.Since(began) / time.Duration(iterations), nil
}

// alwaysReadable returns a socket pair whose first end holds a byte nobody
// reads: readable at every poll, since readiness is level-triggered.
func alwaysReadable() ([2]int, error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		return fds, os.NewSyscallError("socketpair", err)
	}
	if _, err := unix.Write(fds[1], []byte{1}); err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return fds, os.NewSyscallError("write", err)
	}
	return fds, nil
}
