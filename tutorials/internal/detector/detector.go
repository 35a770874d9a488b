// Package detector words what the kit's detectors report, for the demos
// and the checks of the pitfall steps (10 to 12): the loop's watchdog
// (loop.WithWatchdog, a *loop.StalledError), its wrong-goroutine check (a
// *loop.WrongGoroutineError) and the hub's deadlock report (a
// *coroutines.DeadlockError, which needs no help: its text is already one
// line).
//
// The kit's reports carry whole stacks and absolute file names, which is
// right for a log and too much for a table or a failure message. This
// package keeps the kit's own first line, with file names cut to their last
// directory, and adds the one frame a student wants to see: the line of
// the step's code the loop goroutine was in.
package detector

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/loopkit/loopkit/loop"
)

// Stall words a report of the watchdog in two lines: the kit's own ("loop:
// callback ... has kept the loop from polling for 250ms: ..."), and where
// the loop goroutine was in the step's code, if it was:
//
//	loop: callback github.com/loopkit/loopkit/callbacks.(*Conn).readable-fm (10-blocking-loop/main.go:121) has kept the loop from polling for 250ms: no other fd or timer was served meanwhile
//	  the loop goroutine was in exercise.(*Server).lookup (exercise/server.go:50)
//
// The callback the watchdog names is the one the loop called; with a front
// end (package callbacks) that is the front end's reader. The line it names
// is the one running, outside the kit (here the step's slow lookup), and the
// step's own code that called it is further down the same stack.
func Stall(e *loop.StalledError) string {
	line := FirstLine(e)
	if e.File != "" {
		line = strings.ReplaceAll(line, e.File, ShortPath(e.File))
	}
	if fn, site, ok := StepFrame(string(e.Stack)); ok {
		line += fmt.Sprintf("\n  the loop goroutine was in %s (%s)", fn, site)
	}
	return line
}

// WrongGoroutine words a report of the loop's wrong-goroutine check: the
// kit's own first line, and the line of the step's code that made the
// call, if it is on the caller's stack:
//
//	loop: CallSoon called from another goroutine while the loop waits in poll; only CallSoonThreadSafe may be called from other goroutines
//	  called by exercise.(*Server).onWorker.func1 (exercise/compute.go:64)
func WrongGoroutine(e *loop.WrongGoroutineError) string {
	line := FirstLine(e)
	if fn, where, ok := StepFrame(string(e.Stack)); ok {
		line += fmt.Sprintf("\n  called by %s (%s)", fn, where)
	}
	return line
}

// FirstLine returns the first line of err's text: the kit's reports put a
// stack after it.
func FirstLine(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}

// Describe words any error a loop reported, in one or two lines: a stall
// as Stall does, a wrong goroutine as WrongGoroutine does, anything else by
// its first line.
func Describe(err error) string {
	var stall *loop.StalledError
	if errors.As(err, &stall) {
		return Stall(stall)
	}
	var wrong *loop.WrongGoroutineError
	if errors.As(err, &wrong) {
		return WrongGoroutine(wrong)
	}
	return FirstLine(err)
}

// ShortPath cuts a file name to its last directory and base,
// "exercise/server.go", as the tutorial's messages name files.
func ShortPath(file string) string {
	return filepath.Join(filepath.Base(filepath.Dir(file)), filepath.Base(file))
}

// StepFrame finds, in a goroutine stack as runtime.Stack prints it, the
// innermost frame of a step's own code (its exercise/ or solution/), and
// returns the function without its
// package path ("lookup.(*Server).lookup") and its site
// ("exercise/server.go:57").
func StepFrame(stack string) (fn, where string, ok bool) {
	lines := strings.Split(stack, "\n")
	for i := 0; i+1 < len(lines); i++ {
		function := lines[i]
		if !isStepCode(function) || !strings.HasPrefix(lines[i+1], "\t") {
			continue
		}
		if j := strings.LastIndex(function, "("); j > 0 {
			function = function[:j] // the arguments
		}
		return function[strings.LastIndex(function, "/")+1:], site(lines[i+1]), true
	}
	return "", "", false
}

// site turns the file line of a stack frame,
// "\t/path/to/exercise/server.go:50 +0x5e", into "exercise/server.go:50".
func site(fileLine string) string {
	file := strings.TrimSpace(fileLine)
	if j := strings.LastIndex(file, " +0x"); j > 0 {
		file = file[:j]
	}
	path, line, _ := strings.Cut(file, ":")
	return ShortPath(path) + ":" + line
}

// isStepCode reports whether a stack line names a function of a step's
// exercise or solution.
func isStepCode(function string) bool {
	if !strings.Contains(function, "/tutorials/") {
		return false
	}
	return strings.Contains(function, "/exercise.") || strings.Contains(function, "/solution.")
}
