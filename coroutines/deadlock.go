package coroutines

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
)

// ErrDeadlock is what errors.Is finds in a *DeadlockError.
var ErrDeadlock = errors.New("coroutines: deadlock")

// A DeadlockError is the error of a loop's Run that ran out of things to
// wait for while coroutines were still parked: on a queue nobody will put
// to, an event nobody will set, a lock nobody will unlock. Nothing can wake
// them, so rather than return as if all went well, Run returns this.
//
// The parked coroutines' goroutines are still there, waiting to be resumed;
// Hub.Close kills them and waits for them to return.
type DeadlockError struct {
	Parked []ParkedCoroutine // in the order the coroutines were spawned
}

// A ParkedCoroutine is one line of a deadlock report.
type ParkedCoroutine struct {
	Name string // the coroutine's name
	What string // what it waits on: "Queue.Get"
	Site string // "file.go:51", the call that parked it, or "" if unknown
}

func (e *DeadlockError) Error() string {
	var b strings.Builder
	noun := "coroutines"
	if len(e.Parked) == 1 {
		noun = "coroutine"
	}
	fmt.Fprintf(&b, "coroutines: deadlock: %d %s parked: ", len(e.Parked), noun)
	for i, p := range e.Parked {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s on %s", p.Name, p.What)
		if p.Site != "" {
			fmt.Fprintf(&b, " (%s)", p.Site)
		}
	}
	return b.String()
}

// Is makes errors.Is(err, ErrDeadlock) true.
func (e *DeadlockError) Is(target error) bool { return target == ErrDeadlock }

// exitCheck is the hub's loop exit check: Run calls it when nothing is left
// to wait for, so any coroutine still parked will never be woken.
//
// One exception: a coroutine parked with a context of the user's (see
// watch) whose cancellation has happened but whose wake-up, sent from
// context.AfterFunc's goroutine, has not reached the loop yet. That is not
// a deadlock: exitCheck queues its interrupt itself and reports nothing,
// and the loop, having work again, goes on.
func (h *Hub) exitCheck() error {
	var stuck []*Coroutine
	interrupted := false
	for _, co := range h.sorted() {
		if co.state != parked || co.wakeQueued {
			continue
		}
		if co.killed || co.parkCtx.Err() != nil {
			co.interrupt()
			interrupted = true
			continue
		}
		stuck = append(stuck, co)
	}
	if interrupted || len(stuck) == 0 {
		return nil
	}
	e := &DeadlockError{}
	for _, co := range stuck {
		e.Parked = append(e.Parked, ParkedCoroutine{Name: co.name, What: co.what, Site: h.locate(co)})
	}
	return e
}

// callSite returns "file.go:line" of the first caller outside this
// package's own (non-test) files, or "" if there is none: a kit method
// spawned as the coroutine's function itself (Spawn(ctx, ev.Wait)) was
// called by the kit alone. The coroutine calls it on its own stack.
func callSite() string {
	var pcs [32]uintptr
	n := runtime.Callers(2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, "runtime.") || strings.HasPrefix(f.Function, "iter.Pull") {
			return "" // the bottom of the goroutine: iter.Pull started it
		}
		if !inKit(f) {
			return fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
		}
		if !more {
			return ""
		}
	}
}

// inKit reports whether f is a frame of this package's code, not of its
// user (a test of this package counts as a user).
func inKit(f runtime.Frame) bool {
	return strings.HasPrefix(f.Function, "github.com/loopkit/loopkit/coroutines.") &&
		!strings.HasSuffix(f.File, "_test.go")
}
