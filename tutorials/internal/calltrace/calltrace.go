// Package calltrace is the -trace flag of the tutorial steps that run a
// front end of the kit (callbacks, protocols, coroutines) on the kit's
// loop: a loop.Observer that prints, for each iteration, what the poll
// returned and every callback the loop then ran, by name.
//
//	#4 Wait(-1: block) -> 9:R
//	     reader fd 9  callbacks.(*Conn).readable
//	     soon         callbacks.outcome.tell
//
// The names are the kit's: the loop calls a connection's reader, which
// calls your read callback; it calls the outcome that callSoon queued,
// which tells your done. Reading a trace is seeing that every callback of yours
// runs inside one of these, one at a time, between two polls.
//
// The same Observer watches a coroutines.Hub (Hub.SetObserver), and prints
// each hand-off between the loop and a coroutine inside the callback that
// made it:
//
//	soon         coroutines.(*Coroutine).resumeIfQueued
//	loop -> writer(alice)
//	writer(alice) -> loop: parked on Queue.Get
package calltrace

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

// An Observer prints the loop's iterations to a writer. Give it to the
// loop with loop.WithObserver. Like every observer, it runs on the loop
// goroutine.
type Observer struct {
	loop.NopObserver
	w       io.Writer
	n       uint64
	timeout time.Duration
}

// New returns an observer that prints to w.
func New(w io.Writer) *Observer { return &Observer{w: w} }

// IterationStarted keeps the iteration's number.
func (o *Observer) IterationStarted(n uint64) { o.n = n }

// PollStarted keeps the timeout, printed with the poll's answer.
func (o *Observer) PollStarted(timeout time.Duration) { o.timeout = timeout }

// PollReturned prints the poll: its timeout and the fds it found ready.
func (o *Observer) PollReturned(ready []loop.Event) {
	fmt.Fprintf(o.w, "#%d Wait(%s) -> %s\n", o.n, Timeout(o.timeout), Events(ready))
}

// CallbackStarted prints the callback the loop is about to run.
func (o *Observer) CallbackStarted(c loop.Callback) {
	fmt.Fprintf(o.w, "     %-12s %s\n", kind(c), FuncName(c.Name()))
}

func kind(c loop.Callback) string {
	switch c.Kind {
	case loop.Reader, loop.Writer:
		return fmt.Sprintf("%s fd %d", c.Kind, c.FD)
	}
	return c.Kind.String()
}

// FuncName shortens a function's full name to its package's last element
// and the rest: "github.com/loopkit/loopkit/callbacks.(*Conn).readable-fm"
// becomes "callbacks.(*Conn).readable".
func FuncName(full string) string {
	name := full[strings.LastIndex(full, "/")+1:]
	return strings.TrimSuffix(name, "-fm")
}

// Timeout prints a poll timeout: "-1: block", "0", "250ms".
func Timeout(d time.Duration) string {
	if d < 0 {
		return "-1: block"
	}
	return d.String()
}

// Events prints ready fds as "7:R 9:RW", or "nothing".
func Events(ready []loop.Event) string {
	if len(ready) == 0 {
		return "nothing"
	}
	parts := make([]string, len(ready))
	for i, ev := range ready {
		s := ""
		if ev.Events&loop.Readable != 0 {
			s += "R"
		}
		if ev.Events&loop.Writable != 0 {
			s += "W"
		}
		parts[i] = fmt.Sprintf("%d:%s", ev.FD, s)
	}
	return strings.Join(parts, " ")
}

// Resumed prints a hand-off from the loop to a coroutine.
func (o *Observer) Resumed(co *coroutines.Coroutine) {
	fmt.Fprintf(o.w, "     loop -> %s\n", co.Name())
}

// Parked prints a hand-off back, and what the coroutine waits on.
func (o *Observer) Parked(co *coroutines.Coroutine, what string) {
	fmt.Fprintf(o.w, "     %s -> loop: parked on %s\n", co.Name(), what)
}

// Finished prints a coroutine's last hand-off.
func (o *Observer) Finished(co *coroutines.Coroutine, err error) {
	fmt.Fprintf(o.w, "     %s -> loop: finished (%v)\n", co.Name(), err)
}
