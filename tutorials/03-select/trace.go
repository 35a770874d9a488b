package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// A tracePoller stands between the loop and the poller under study. It
// counts what the loop asks and, with -trace, prints each call:
//
//	Register(7, Readable)
//	Wait(-1) watching 3:R 5:R 7:R -> 7:R
//
// It is used on the loop goroutine only, like any poller.
type tracePoller struct {
	loop.Poller
	out io.Writer // nil: count, print nothing

	watching map[int]loop.Events
	waits    int // Wait calls
	events   int // fds reported ready, over every Wait
}

// Register passes the call on, and remembers the interest for the trace.
func (p *tracePoller) Register(fd int, ev loop.Events) error {
	err := p.Poller.Register(fd, ev)
	if p.out != nil {
		fmt.Fprintf(p.out, "Register(%d, %v)%s\n", fd, ev, errorSuffix(err))
	}
	if err == nil {
		if p.watching == nil {
			p.watching = map[int]loop.Events{}
		}
		if ev == 0 {
			delete(p.watching, fd)
		} else {
			p.watching[fd] = ev
		}
	}
	return err
}

// Wait passes the call on, counts, and prints what went in and came out.
func (p *tracePoller) Wait(timeout time.Duration, ready []loop.Event) (int, error) {
	var watching string
	if p.out != nil {
		watching = p.describe() // before: Wait's callers may change it after
	}
	start := time.Now()
	n, err := p.Poller.Wait(timeout, ready)
	p.waits++
	p.events += max(n, 0)
	if p.out != nil {
		fmt.Fprintf(p.out, "Wait(%s) watching %s -> %s after %v%s\n",
			timeoutString(timeout), watching, eventsString(ready[:max(n, 0)]), time.Since(start).Round(time.Microsecond), errorSuffix(err))
	}
	return n, err
}

// MaxFD passes on the poller's limit, if it has one (loop.FDLimiter), so
// that the loop refuses fds the poller cannot watch.
func (p *tracePoller) MaxFD() int {
	if limiter, ok := p.Poller.(loop.FDLimiter); ok {
		return limiter.MaxFD()
	}
	return 0
}

func (p *tracePoller) describe() string {
	var parts []string
	for _, fd := range slices.Sorted(maps.Keys(p.watching)) {
		parts = append(parts, fmt.Sprintf("%d:%s", fd, short(p.watching[fd])))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, " ")
}

func eventsString(evs []loop.Event) string {
	if len(evs) == 0 {
		return "nothing ready"
	}
	var parts []string
	for _, ev := range evs {
		parts = append(parts, fmt.Sprintf("%d:%s", ev.FD, short(ev.Events)))
	}
	return strings.Join(parts, " ")
}

// short prints events as R, W or RW.
func short(ev loop.Events) string {
	s := ""
	if ev&loop.Readable != 0 {
		s += "R"
	}
	if ev&loop.Writable != 0 {
		s += "W"
	}
	return s
}

func timeoutString(d time.Duration) string {
	if d < 0 {
		return "-1: block"
	}
	return d.String()
}

func errorSuffix(err error) string {
	if err != nil {
		return " = " + err.Error()
	}
	return ""
}
