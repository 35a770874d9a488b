//go:build linux

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// A syscallCounter counts a server's system calls over an echo window
// (--syscalls), with perf stat attached to the process: the kernel adds one
// to a counter at each raw_syscalls:sys_enter tracepoint, which costs far
// less than strace, which stops the server at every call.
//
// perf takes a moment to attach, so the count does not cover the window
// exactly. It is used as a rate: calls per second of perf's own counting
// (its duration_time event), divided by round trips per second of the
// window. The load is steady over the window, so the two rates meet.
type syscallCounter struct {
	cmd *exec.Cmd
	out *bytes.Buffer
}

// A syscallCount is what perf counted, and over how long.
type syscallCount struct {
	calls int64
	span  time.Duration
}

func (c syscallCount) perSecond() float64 { return float64(c.calls) / c.span.Seconds() }

// countSyscalls attaches perf stat to every thread of process pid.
func countSyscalls(pid int) (*syscallCounter, error) {
	out := new(bytes.Buffer)
	cmd := exec.Command("perf", "stat", "-x,", "--per-thread", "-e", "raw_syscalls:sys_enter,duration_time", "-p", strconv.Itoa(pid))
	cmd.Stderr = out // perf stat writes its counts to standard error
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("--syscalls: starting perf stat: %w (apt-get install linux-perf)", err)
	}
	return &syscallCounter{cmd: cmd, out: out}, nil
}

// stop ends the count with SIGINT, as Ctrl-C ends perf stat, and reads it.
func (c *syscallCounter) stop() (syscallCount, error) {
	c.cmd.Process.Signal(os.Interrupt)
	c.cmd.Wait() // perf exits with the signal's status; its output says what it counted
	return parsePerfStat(c.out.String())
}

// parsePerfStat reads perf stat's CSV (-x, --per-thread): a line per
// thread and event, the thread first, then the count, its unit and the
// event's name. The calls are summed over the threads (a Go server's loop
// moves from thread to thread); duration_time is the same on every line.
// (Without --per-thread perf sums duration_time over the threads too, and
// a rate made with it would be too small by their number.) A thread that
// made no call reads "<not counted>", which is 0.
func parsePerfStat(out string) (syscallCount, error) {
	var c syscallCount
	var calls, spans int
	for line := range strings.Lines(out) {
		fields := strings.Split(strings.TrimSpace(line), ",")
		if len(fields) < 4 {
			continue
		}
		n, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil && fields[1] != "<not counted>" {
			continue
		}
		switch fields[3] {
		case "raw_syscalls:sys_enter":
			c.calls, calls = c.calls+n, calls+1
		case "duration_time":
			c.span, spans = max(c.span, time.Duration(n)), spans+1
		}
	}
	if calls == 0 || spans == 0 || c.span <= 0 {
		return c, fmt.Errorf("--syscalls: perf stat counted nothing usable (is kernel.perf_event_paranoid above 2?): %q", out)
	}
	return c, nil
}
