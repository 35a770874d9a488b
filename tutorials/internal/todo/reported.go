package todo

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/loopkit/loopkit/loop"
)

// Reported words an error a loop reported to its error handler. A hole of
// a skeleton that runs as a loop callback, or in a coroutine, panics there;
// the loop (or the coroutine) recovers the panic and reports a
// *loop.PanicError with the stack. Reported turns such an error whose value
// is a TODO into the same sentence Catch makes, "Echo is not implemented
// yet (TODO(step05) in exercise/pyramid.go:31)", reading the site from the
// stack. Any other error is returned as it is.
//
// Give it to the loop with the checker's own handler:
// loop.WithErrorHandler(func(err error) { srv.Report(todo.Reported(err)) }).
func Reported(err error) error {
	var pe *loop.PanicError
	if !errors.As(err, &pe) {
		return err
	}
	s, ok := pe.Value.(string)
	if !ok || !IsTODO(s) {
		return err
	}
	fn, site := stackSite(string(pe.Stack))
	return errors.New(NotImplemented(fn, s, site))
}

// stackSite finds, in a stack printed by runtime/debug.Stack, the frame
// below the call of panic: the function that panicked, and its file and
// line as "exercise/pyramid.go:31".
func stackSite(stack string) (fn, site string) {
	lines := strings.Split(stack, "\n")
	for i := 0; i+3 < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "panic(") {
			continue
		}
		function := lines[i+2]
		if j := strings.LastIndex(function, "("); j > 0 {
			function = function[:j]
		}
		file := strings.TrimSpace(lines[i+3])
		if j := strings.LastIndex(file, " +0x"); j > 0 {
			file = file[:j]
		}
		path, line, _ := strings.Cut(file, ":")
		if _, err := strconv.Atoi(line); err != nil {
			break
		}
		return shortName(function), fmt.Sprintf("%s:%s", filepath.Join(filepath.Base(filepath.Dir(path)), filepath.Base(path)), line)
	}
	return "the code", "an unknown place"
}
