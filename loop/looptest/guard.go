package looptest

import (
	"cmp"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// A callResult is how a call made under guard ended: it returned n and err,
// panicked, or had not returned when the watchdog fired.
type callResult struct {
	n        int
	err      error
	returned bool // false: still running when the bound passed

	// set if the call panicked
	panicked bool
	value    any    // the panic value
	site     string // dir/file.go:line of the panic call
	fn       string // the short name of the function that panicked: "Wait"
	stack    []byte
}

// guard runs call on a goroutine of its own, after prepare (if not nil) on
// that same goroutine, and waits for it at most bound. It is the watchdog of
// every check: a call that never returns becomes a message naming it,
// instead of go test's panic ten minutes later with every goroutine's stack.
// Go cannot stop a goroutine, so a call still running is abandoned: the
// caller must then leave alone whatever it uses.
//
// A panic in call is recovered and described, so that one unimplemented
// method (a skeleton's placeholder panic) fails one check, not the whole
// test binary.
//
// The watchdog's timer is the one place looptest waits on a runtime timer
// rather than on the poller under test: it must fire even when that poller
// never returns.
func guard(bound time.Duration, prepare func(), call func() (int, error)) callResult {
	done := make(chan callResult, 1)
	go func() {
		var r callResult
		defer func() {
			if v := recover(); v != nil {
				r = panicked(v)
			}
			r.returned = true
			done <- r
		}()
		if prepare != nil {
			prepare()
		}
		r.n, r.err = call()
	}()
	timer := time.NewTimer(bound)
	defer timer.Stop()
	select {
	case r := <-done:
		return r
	case <-timer.C:
		return callResult{}
	}
}

// panicked describes a recovered panic. It must be called by the deferred
// function itself, while the panicking frames are still on the stack.
func panicked(v any) callResult {
	fn, site := panicSite()
	return callResult{panicked: true, value: v, fn: fn, site: site, stack: debug.Stack()}
}

// panicSite returns the function that called panic, by its short name
// ("Wait", "pollTimeout"), and where, as dir/file.go:line: the frame below
// runtime.gopanic.
func panicSite() (fn, site string) {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	for below := false; ; {
		f, more := frames.Next()
		if below {
			return shortName(f.Function), filepath.Join(filepath.Base(filepath.Dir(f.File)), filepath.Base(f.File)) + ":" + strconv.Itoa(f.Line)
		}
		below = f.Function == "runtime.gopanic"
		if !more {
			return "?", "unknown place"
		}
	}
}

// shortName turns "example.com/m/exercise.(*Poller).Register.func1" into
// "Register": the method or function a student knows it by.
func shortName(function string) string {
	name := function[strings.LastIndex(function, "/")+1:]
	_, name, _ = strings.Cut(name, ".") // drop the package
	parts := strings.Split(name, ".")
	for len(parts) > 1 && isClosure(parts[len(parts)-1]) {
		parts = parts[:len(parts)-1]
	}
	return parts[len(parts)-1]
}

// isClosure reports whether a symbol element names a closure: "func1", "1".
func isClosure(s string) bool {
	_, err := strconv.Atoi(strings.TrimPrefix(s, "func"))
	return err == nil
}

// describe says how a guarded call failed to return normally, or "" if it
// did. call is what was called ("Wait(0)"), bound the watchdog's, explain
// the ExplainPanics option's function, or nil.
func (r callResult) describe(call string, bound time.Duration, explain Explainer) string {
	switch {
	case !r.returned:
		return hung(call, bound, "")
	case r.panicked:
		return cmp.Or(r.explained(call, explain), fmt.Sprintf("%s panicked at %s: %v\n%s", call, r.site, r.value, r.stack))
	}
	return ""
}

// explained returns explain's words for the panic of a call, or "".
func (r callResult) explained(call string, explain Explainer) string {
	if !r.panicked || explain == nil {
		return ""
	}
	method, _, _ := strings.Cut(call, "(")
	if method == "the check" {
		method = r.fn // TestLoop guards whole checks: name the function that panicked
	}
	return explain(r.value, method, r.site)
}

// An Explainer words a panic of the code under test: given the panic's
// value, the method or function that panicked, by the name a student knows
// it by ("Wait"), and where, as dir/file.go:line ("exercise/poller.go:41"),
// it returns the sentence the check fails with, or "" to let looptest word
// it ("Wait(0) panicked at exercise/poller.go:41: ...", then the stack).
type Explainer func(value any, function, site string) string

// An Option changes how TestPoller and TestLoop word their failures.
type Option func(*options)

type options struct {
	explain Explainer
}

// ExplainPanics makes the checks word the panics of the code under test
// with explain first. A course gives one to word the placeholder panics of
// its skeletons ("Wait is not implemented yet"), which looptest does not
// know.
func ExplainPanics(explain Explainer) Option {
	return func(o *options) { o.explain = explain }
}

func applyOptions(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// hung words a call that did not return within bound. reason, if not "",
// goes on the sentence and says what should have ended the call (", although
// another goroutine wrote a byte to the pipe after 50ms.").
func hung(call string, bound time.Duration, reason string) string {
	if reason == "" {
		reason = "."
	}
	return fmt.Sprintf("%s did not return within %v%s\n  (The watchdog's bound is multiplied by LOOPKIT_TIME_SCALE. "+
		"The call is abandoned; what it uses is left open.)", call, bound, reason)
}
