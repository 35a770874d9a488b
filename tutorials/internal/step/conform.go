package step

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// The gate in front of -serve. A step's program may serve the kit's real
// programs to real clients on the student's code; before it does, it runs
// the step's conformance suite on that code, the one make check runs, and
// refuses with the suite's own message if it fails. A poller that reports
// fds that are not ready, or sleeps through its timeout, would otherwise
// serve nothing, or hang, with no word of why.
//
// Discussion: the suites are testing.T code (looptest.TestPoller), which
// runs only under go test; calling them in-process would take testing's
// internals, and print where they print. A go test of the step's package
// is the very run make check does, its message the one the student has
// read there, and a pass costs nothing the second time (go test caches it).

// conformBound is how long the suite may take, building its test binary
// included (the first time, on a slow machine, that is most of it). The
// suite's watchdogs turn a call that hangs into a failure long before.
const conformBound = 3 * time.Minute

// shownLines is how much of a failed suite's output Conform quotes: the
// first failure, which is the one to fix first. make check shows the rest.
const shownLines = 16

// Conform runs the step's test named test (such as "TestPoller", the kit's
// conformance suite on a poller) with go test, on the version this run
// runs (LOOPKIT_IMPL), and returns nil if it passes. It says on r.Out what
// it runs. If the test fails, the error quotes the start of its output and
// points at make check; what is checked is named by what ("poller").
// go test caches a pass: a second run of the program on the same code
// costs a fraction of a second.
func (r Run) Conform(test, what string) error {
	if r.root == "" {
		return fmt.Errorf("cannot check your %s before serving: no tutorials directory here; run it from inside the loopkit repository", what)
	}
	pkg := "./tutorials/" + r.step
	fmt.Fprintf(r.Out, "checking your %s first: go test %s -run '^%s$' (LOOPKIT_IMPL=%s) ...", what, pkg, test, r.Impl)
	ctx, cancel := context.WithTimeout(context.Background(), conformBound)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^"+test+"$", "-timeout", "2m", pkg)
	cmd.Dir = filepath.Dir(r.root) // the module, where go test finds ./tutorials/...
	cmd.Env = append(os.Environ(), "LOOPKIT_IMPL="+r.Impl)
	cmd.WaitDelay = 5 * time.Second // a test binary left running must not hold its pipes open for ever
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		fmt.Fprintln(r.Out, " passed")
		return nil
	case ctx.Err() != nil:
		fmt.Fprintln(r.Out)
		return fmt.Errorf("%s did not finish within %v, so your %s serves nothing yet: make check S=%s shows which check hangs",
			test, conformBound, what, r.step[:2])
	case !errors.As(err, &exit):
		fmt.Fprintln(r.Out)
		return fmt.Errorf("cannot check your %s before serving: %w", what, err)
	}
	fmt.Fprintln(r.Out, " failed")
	return fmt.Errorf("your %s does not pass %s yet, so no real program runs on it:\n%s\n  make check S=%s shows every failure, with the hint to read",
		what, test, firstFailure(string(out)), r.step[:2])
}

// firstFailure returns the first failed check of go test's output, its
// "--- FAIL" line and its message, at most shownLines lines: the check to
// fix first. Output with no failed check (the package does not build) is
// returned whole, as far as shownLines.
func firstFailure(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	var headers []int // the "--- FAIL" lines, a check's parents before it
	for i, line := range lines {
		if strings.Contains(line, "--- FAIL") {
			headers = append(headers, i)
		}
	}
	// The first check that failed itself, not through a subtest, is the
	// first whose next "--- FAIL" is not indented deeper than its own.
	for k, h := range headers {
		end := len(lines)
		if k+1 < len(headers) {
			end = headers[k+1]
		}
		if end == len(lines) || indentOf(lines[end]) <= indentOf(lines[h]) {
			lines = lines[h:end]
			break
		}
	}
	if len(lines) > shownLines {
		lines = append(lines[:shownLines], "...")
	}
	return "  " + strings.Join(lines, "\n  ")
}

// indentOf counts the blanks a line starts with.
func indentOf(line string) int {
	return len(line) - len(strings.TrimLeft(line, " \t"))
}
