package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// compare --yours puts the poller a student wrote in tutorial step 03
// beside the kit's backends, as the backend "yours": in the poll cost,
// where a select of one's own grows with the idle fds as the kit's does,
// and in the echo table, serving the kit's callbacks echo.
//
// compare does not import the student's package: a half-written exercise
// panics with TODO, or does not even compile, and compare must run all
// the same. So it builds step 03's program and runs it as a child, as it
// runs loopkit run for the kit's servers. The program checks the poller
// with looptest.TestPoller before anything (and refuses, with the suite's
// message, if it fails), then measures the poll cost (-pollcost) or serves
// (-serve echo). A poller that does not build, or fails the suite, is one
// failure of the run; everything else is measured as usual.

// yoursBackend is the name of the student's poller in the tables.
const yoursBackend = "yours"

// yoursPackage is the program of step 03, which serves on the poller.
const yoursPackage = "github.com/loopkit/loopkit/tutorials/03-select"

// yoursBound is how long the program may take to check the poller and
// measure it: the check may build its test binary first.
const yoursBound = 5 * time.Minute

// yoursProgram is step 03's program, built, ready to start.
type yoursProgram struct {
	exe string
	ref bool // LOOPKIT_IMPL=solution: the reference poller, as make test checks it
}

// buildYours builds step 03's program into a directory of its own.
func buildYours() (*yoursProgram, error) {
	dir, err := os.MkdirTemp("", "loopkit-yours-")
	if err != nil {
		return nil, err
	}
	exe := filepath.Join(dir, "03-select")
	out, err := exec.Command("go", "build", "-o", exe, yoursPackage).CombinedOutput()
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("go build ./tutorials/03-select: %v (run compare from the repository; make check S=03 says what is wrong)\n%s",
			err, strings.TrimSpace(string(out)))
	}
	return &yoursProgram{exe: exe, ref: os.Getenv("LOOPKIT_IMPL") == "solution"}, nil
}

// remove deletes the program built.
func (y *yoursProgram) remove() { os.RemoveAll(filepath.Dir(y.exe)) }

// command is the program with args; with ref, on the reference poller.
// GOMAXPROCS=1, as startChild gives the kit's servers.
func (y *yoursProgram) command(ctx context.Context, args ...string) *exec.Cmd {
	if y.ref {
		args = append([]string{"-ref"}, args...)
	}
	cmd := exec.CommandContext(ctx, y.exe, args...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	return cmd
}

var pollCostLine = regexp.MustCompile(`(?m)^poll cost: (\d+) idle fds: (?:(\d+) ns per iteration|error: (.*))$`)

// pollCost runs the program's -pollcost with the idle fd counts, and reads
// its lines back. An error is the program's: the poller failed the suite.
func (y *yoursProgram) pollCost(idle []int) ([]pollFigures, error) {
	counts := make([]string, len(idle))
	for i, n := range idle {
		counts[i] = strconv.Itoa(n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), yoursBound)
	defer cancel()
	cmd := y.command(ctx, "-pollcost", strings.Join(counts, ","))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var figs []pollFigures
	for _, m := range pollCostLine.FindAllStringSubmatch(string(out), -1) {
		n, _ := strconv.Atoi(m[1])
		ns, _ := strconv.ParseFloat(m[2], 64)
		figs = append(figs, pollFigures{Backend: yoursBackend, Idle: n, NsPerIteration: ns, Error: m[3]})
	}
	if len(figs) != len(idle) {
		return figs, fmt.Errorf("the program printed %d poll costs for %d idle fd counts:\n%s", len(figs), len(idle), out)
	}
	return figs, nil
}

// startEcho starts the program serving the kit's callbacks echo on the
// poller, on a free loopback port, and returns it as compare's child.
func (y *yoursProgram) startEcho() (*child, error) {
	c, err := startProcess(y.command(context.Background(), "-serve", "echo", "-style", "callbacks", "-addr", "127.0.0.1:0"))
	if err != nil {
		return nil, err
	}
	// The step's line reads "listening on 127.0.0.1:PORT, the kit's echo ...".
	c.addr = strings.TrimSuffix(c.addr, ",")
	return c, nil
}

// measureYours, with --yours, builds step 03's program and measures its
// poll cost; it returns the program for the echo (remove it when done), or
// nil: without --yours, or if the poller cannot be measured, which is
// recorded as a failure.
func measureYours(o compareOptions, r *results, p *progressLine) *yoursProgram {
	if !o.yours {
		return nil
	}
	p.show("yours: building tutorials/03-select, checking its poller (looptest.TestPoller), poll cost")
	y, err := buildYours()
	if err == nil {
		var figs []pollFigures
		if figs, err = y.pollCost(o.idle); err != nil {
			y.remove()
		}
		r.PollCost = append(r.PollCost, figs...)
	}
	if err != nil {
		r.fail("yours, the poller of tutorial step 03: %v", err)
		p.step += len(o.conns) * o.rounds
		return nil
	}
	impl := "its exercise/poller.go"
	if y.ref {
		impl = "its reference, solution/poller.go (LOOPKIT_IMPL=solution)"
	}
	r.note("yours is the poller of tutorial step 03, %s, measured by the step's program: "+
		"go run ./tutorials/03-select -pollcost for the poll cost, -serve echo (the kit's callbacks echo on it) for the echo", impl)
	return y
}
