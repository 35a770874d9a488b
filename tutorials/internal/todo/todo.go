// Package todo turns the panic of a skeleton's hole, panic("TODO(step03):
// Register: ..."), into a sentence: "Register is not implemented yet
// (TODO(step03) in exercise/poller.go:41)", then the TODO's own words. The
// checks (package steptest) and the steps' programs both use it, so that an
// unfinished exercise fails with a pointer to the hole, never with a
// goroutine dump. The steps that run looptest's checks give them Explain,
// so that those word the holes the same way.
package todo

import (
	"fmt"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// Catch calls fn and returns "" if it returns, or a description of its
// panic (see Describe). A skeleton's hole panics with "TODO(stepNN): ...";
// Catch turns that into "Echo is not implemented yet (TODO(step01) in
// exercise/echo.go:31)", so that one hole fails the check that needs it,
// with a sentence instead of a goroutine dump, and the other checks run.
func Catch(fn func()) (problem string) {
	defer func() {
		if v := recover(); v != nil {
			problem = Describe(v)
		}
	}()
	fn()
	return ""
}

// Describe words a recovered panic value. It must be called by the
// deferred function that recovered it, while the panicking frames are still
// on the stack: it reads them to say where the panic happened.
func Describe(v any) string {
	fn, site := panicSite()
	if s, ok := v.(string); ok && IsTODO(s) {
		return NotImplemented(fn, s, site)
	}
	return fmt.Sprintf("%s panicked at %s: %v\n%s", fn, site, v, debug.Stack())
}

// IsTODO reports whether a panic message is a skeleton's: "TODO(stepNN)...".
func IsTODO(s string) bool { return todoTag.MatchString(s) }

var todoTag = regexp.MustCompile(`^TODO\(step[0-9]{2}\)`)

// Explain is a looptest.Explainer: it words a skeleton's TODO panic as
// NotImplemented does, and leaves any other panic to looptest ("").
func Explain(value any, fn, site string) string {
	if s, ok := value.(string); ok && IsTODO(s) {
		return NotImplemented(fn, s, site)
	}
	return ""
}

// NotImplemented words a skeleton's TODO panic:
// "Register is not implemented yet (TODO(step03) in exercise/poller.go:41)",
// then the TODO's own words.
func NotImplemented(fn, todo, site string) string {
	tag, rest, _ := strings.Cut(todo, ")")
	msg := fmt.Sprintf("%s is not implemented yet (%s) in %s)", fn, tag, site) // tag lacks its ")"
	if rest = strings.TrimLeft(rest, ": "); rest != "" {
		msg += "\n  the TODO says: " + rest
	}
	return msg
}

// panicSite returns the function that called panic and where, as
// "Register" and "exercise/poller.go:41": the frame below runtime.gopanic.
func panicSite() (fn, site string) {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	for below := false; ; {
		f, more := frames.Next()
		if below {
			site = filepath.Join(filepath.Base(filepath.Dir(f.File)), filepath.Base(f.File)) + ":" + strconv.Itoa(f.Line)
			return shortName(f.Function), site
		}
		below = f.Function == "runtime.gopanic"
		if !more {
			return "the code", "an unknown place"
		}
	}
}

// shortName turns "github.com/x/tutorials/03-select/exercise.(*Poller).Register"
// into "Register", and "…/exercise.Echo.func1" into "Echo".
func shortName(function string) string {
	name := function[strings.LastIndex(function, "/")+1:]
	_, name, _ = strings.Cut(name, ".") // drop the package
	parts := strings.Split(name, ".")
	for len(parts) > 1 && isClosure(parts[len(parts)-1]) {
		parts = parts[:len(parts)-1]
	}
	return parts[len(parts)-1] // the method, without its receiver
}

// isClosure reports whether a symbol element names a closure: "func1", "1".
func isClosure(s string) bool {
	s = strings.TrimPrefix(s, "func")
	_, err := strconv.Atoi(s)
	return err == nil
}

// Recover is for a step's run function: deferred with the address of its
// error, it turns a skeleton's TODO panic into that error, with a pointer
// to -ref. Any other panic goes on: it is a bug to see with its stack.
//
//	func run(args []string, out io.Writer) (err error) {
//		defer todo.Recover(&err)
func Recover(err *error) {
	v := recover()
	if v == nil {
		return
	}
	if s, ok := v.(string); ok && IsTODO(s) {
		*err = fmt.Errorf("%s\n  (run with -ref to see the reference solution at work)", Describe(v))
		return
	}
	panic(v)
}

// Call returns fn's error, or the error Recover makes of a TODO panic in
// fn: for the goroutines a step's program starts.
func Call(fn func() error) (err error) {
	defer Recover(&err)
	return fn()
}
