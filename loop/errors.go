package loop

import (
	"errors"
	"fmt"
)

// ErrClosed is returned (or reported) by a loop or poller method called
// after Close.
var ErrClosed = errors.New("loop: use after Close")

// ErrRunning is returned by Run or RunOnce when the loop is already running,
// on this goroutine (a callback called Run) or on another.
var ErrRunning = errors.New("loop: already running")

// A PanicError is a panic recovered from a callback. The loop reports it to
// its error handler and goes on with the next callback. Front ends report
// the panics of the code they run on goroutines of their own as
// PanicErrors too, naming that code.
type PanicError struct {
	Value any    // what the callback panicked with
	Stack []byte // the callback's stack where it panicked
	Name  string // what panicked, for the message: "" says "callback"; "coroutine writer(alice)"
}

func (e *PanicError) Error() string {
	name := e.Name
	if name == "" {
		name = "callback"
	}
	return fmt.Sprintf("loop: %s panicked: %v\n%s", name, e.Value, e.Stack)
}

// Unwrap returns the panic value if it is an error, so errors.Is and
// errors.As see through the panic.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// A WrongGoroutineError reports a loop method called from a goroutine other
// than the loop's. The loop notices it while it waits in poll: then the
// loop goroutine is inside the poll call, so whoever called must be another
// goroutine. (While callbacks run, such a call is a data race that only the
// race detector sees.)
type WrongGoroutineError struct {
	Method string // the method that was called, such as "AddReader"
	Stack  []byte // the caller's stack
}

func (e *WrongGoroutineError) Error() string {
	return fmt.Sprintf("loop: %s called from another goroutine while the loop waits in poll; "+
		"only CallSoonThreadSafe may be called from other goroutines\n%s", e.Method, e.Stack)
}
