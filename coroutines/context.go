package coroutines

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode"
)

// coroutineKey is the context key under which a coroutine's context
// carries the coroutine.
type coroutineKey struct{}

// ErrOutsideCoroutine is the error of a blocking call given a context that
// is not the running coroutine's: one made outside any coroutine, by a
// coroutine with another's context, or with the context of a coroutine that
// has finished. errors.Is finds it in the error the call returns, which
// names the call.
var ErrOutsideCoroutine = errors.New("coroutines: called outside a coroutine")

// outsideError is the error behind ErrOutsideCoroutine: it names the call
// and, when it was a coroutine's context, whose.
type outsideError struct {
	call   string // "Queue.Get"
	detail string // "" or " with the context of coroutine-3, from coroutine-4"
}

func (e *outsideError) Error() string {
	if e.detail != "" {
		return "coroutines: " + e.call + " called" + e.detail
	}
	return "coroutines: " + e.call + " called outside a coroutine"
}

func (e *outsideError) Is(target error) bool { return target == ErrOutsideCoroutine }

// current returns the coroutine ctx belongs to, which must be the running
// one: a blocking call can only park the coroutine that makes it.
// Otherwise the error names the call that was made (the caller of current,
// found from the stack only on this error path).
func current(ctx context.Context) (*Coroutine, error) {
	co, _ := ctx.Value(coroutineKey{}).(*Coroutine)
	if co != nil && co.hub.running == co {
		return co, nil
	}
	err := &outsideError{call: callerName(2)}
	if co != nil {
		err.detail = fmt.Sprintf(" with the context of %s, which is not running", co.name)
		if r := co.hub.running; r != nil {
			err.detail = fmt.Sprintf(" with the context of %s, from %s", co.name, r.name)
		}
	}
	return nil, err
}

// callerName returns the name of the first exported function of this
// package skip frames up or further, shortened to "Type.Method" or "Func":
// "(*Queue[...]).Get" becomes "Queue.Get". Unexported helpers
// (Semaphore.acquire, a closure) are skipped, so that the error names the
// call the user made.
func callerName(skip int) string {
	var pcs [8]uintptr
	frames := runtime.CallersFrames(pcs[:runtime.Callers(skip+1, pcs[:])])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "github.com/loopkit/loopkit/coroutines.") {
			return "a blocking call"
		}
		name := shortName(f.Function)
		last := name[strings.LastIndex(name, ".")+1:]
		if last != "" && unicode.IsUpper(rune(last[0])) {
			return name
		}
		if !more {
			return "a blocking call"
		}
	}
}

// shortName shortens a function's full name: the package path goes, and
// so do type parameters, pointer marks and parentheses.
func shortName(name string) string {
	name = name[strings.LastIndex(name, "/")+1:] // coroutines.(*Queue[...]).Get
	name = name[strings.Index(name, ".")+1:]     // (*Queue[...]).Get
	name = strings.ReplaceAll(name, "[...]", "")
	return strings.NewReplacer("(*", "", "(", "", ")", "").Replace(name)
}

// controls reports whether done is the Done channel of a context the kit
// cancels itself, and so interrupts the coroutine from the loop goroutine:
// the coroutine's own context, or one of its live WithTimeout contexts.
func (co *Coroutine) controls(done <-chan struct{}) bool {
	if done == co.ctx.Done() {
		return true
	}
	for _, t := range co.timeouts {
		if done == t.done {
			return true
		}
	}
	return false
}
