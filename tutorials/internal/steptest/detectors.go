package steptest

import (
	"errors"
	"strings"
	"sync"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/detector"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// Detectors is the error handler of a kit loop under check in the pitfall
// steps. It keeps what the kit's detectors report, to quote it in a
// failure, and passes every other error on (to Server.Report):
//
//   - a *loop.StalledError (loop.WithWatchdog) is kept and is not a
//     failure by itself: a check fails on what clients did not get, gated,
//     never on a stopwatch; the watchdog's report says why they did not;
//   - a *loop.WrongGoroutineError is kept, and passed on too, worded by
//     detector.WrongGoroutine: a loop method called from another goroutine
//     is a mistake whatever the clients saw.
//
// Any goroutine may call its methods.
type Detectors struct {
	report func(error)

	mu     sync.Mutex // guards the fields below
	stalls []string   // the watchdog's reports, worded by detector.Stall
	wrong  []string   // first lines of the WrongGoroutineErrors
}

// NewDetectors returns a handler that passes what it does not keep to
// report.
func NewDetectors(report func(error)) *Detectors { return &Detectors{report: report} }

// Handle is the loop's error handler: loop.WithErrorHandler(d.Handle).
func (d *Detectors) Handle(err error) {
	var stall *loop.StalledError
	if errors.As(err, &stall) {
		d.mu.Lock()
		d.stalls = append(d.stalls, detector.Stall(stall))
		d.mu.Unlock()
		return
	}
	var wrong *loop.WrongGoroutineError
	if errors.As(err, &wrong) {
		text := detector.WrongGoroutine(wrong)
		d.mu.Lock()
		d.wrong = append(d.wrong, text)
		d.mu.Unlock()
		d.report(errors.New(text)) // without the stack: the frame that matters is named
		return
	}
	d.report(todo.Reported(err))
}

// Stalls returns what the watchdog reported, for a failure message: ""
// if nothing, else lines that start "\n  the loop's watchdog reported:".
func (d *Detectors) Stalls() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.stalls) == 0 {
		return ""
	}
	return "\n  the loop's watchdog (loop.WithWatchdog) reported:\n    " + strings.ReplaceAll(d.stalls[0], "\n", "\n    ")
}

// WrongGoroutine returns the first WrongGoroutineError the loop reported,
// worded by detector.WrongGoroutine, and whether there was one.
func (d *Detectors) WrongGoroutine() (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.wrong) == 0 {
		return "", false
	}
	return d.wrong[0], true
}
