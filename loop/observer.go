package loop

import (
	"reflect"
	"runtime"
	"time"

	"github.com/loopkit/loopkit/timers"
)

// An Observer is told what the loop does, step by step, on the loop
// goroutine: the tracer, the slow-callback watchdog and the tutorials'
// -trace flags are observers. It must be quick: the loop waits for it.
// Embed NopObserver to implement only some methods.
//
// A loop without an observer pays one nil check per step.
type Observer interface {
	// IterationStarted opens iteration n (counting from 1).
	IterationStarted(n uint64)
	// PollStarted is called right before the poller's Wait.
	PollStarted(timeout time.Duration)
	// PollReturned gets the events Wait returned. The slice is reused by
	// the next poll: copy what you keep.
	PollReturned(ready []Event)
	// CallbackStarted and CallbackReturned bracket each callback run.
	CallbackStarted(c Callback)
	CallbackReturned(c Callback)
}

// NopObserver implements Observer with methods that do nothing.
type NopObserver struct{}

func (NopObserver) IterationStarted(uint64)   {}
func (NopObserver) PollStarted(time.Duration) {}
func (NopObserver) PollReturned([]Event)      {}
func (NopObserver) CallbackStarted(Callback)  {}
func (NopObserver) CallbackReturned(Callback) {}

// Kind says why a callback runs.
type Kind uint8

// The kinds of callback.
const (
	Soon   Kind = iota // queued by CallSoon or CallSoonThreadSafe
	Reader             // the reader of a readable fd
	Writer             // the writer of a writable fd
	Timer              // a due timer
)

func (k Kind) String() string {
	switch k {
	case Soon:
		return "soon"
	case Reader:
		return "reader"
	case Writer:
		return "writer"
	case Timer:
		return "timer"
	}
	return "kind?"
}

// A Callback is one run of user code, as an Observer sees it.
type Callback struct {
	Kind  Kind
	FD    int           // Reader, Writer: the fd; otherwise -1
	Timer *timers.Timer // Timer: the timer, whose When tells how late it runs
	Func  func()
}

// Name returns the name of the callback's function, such as
// "github.com/loopkit/loopkit/callbacks.(*Conn).onReadable-fm". It looks the
// name up in the binary's symbol table: cheap, but not free.
func (c Callback) Name() string {
	if f := c.runtimeFunc(); f != nil {
		return f.Name()
	}
	return "?"
}

func (c Callback) runtimeFunc() *runtime.Func {
	if c.Func == nil {
		return nil
	}
	return runtime.FuncForPC(reflect.ValueOf(c.Func).Pointer())
}

// Tee returns an observer that passes every step on to each of observers,
// in the order given: a loop takes one observer (WithObserver), and Tee lets
// it have several, such as a trace.Recorder and a test's driver. The loop
// itself tees its watchdog (WithWatchdog) after the user's observer. Nil
// observers are skipped; with one left, Tee returns it, and with none, nil.
func Tee(observers ...Observer) Observer {
	var t tee
	for _, o := range observers {
		if o != nil {
			t = append(t, o)
		}
	}
	switch len(t) {
	case 0:
		return nil
	case 1:
		return t[0]
	}
	return t
}

type tee []Observer

func (t tee) IterationStarted(n uint64) {
	for _, o := range t {
		o.IterationStarted(n)
	}
}

func (t tee) PollStarted(timeout time.Duration) {
	for _, o := range t {
		o.PollStarted(timeout)
	}
}

func (t tee) PollReturned(ready []Event) {
	for _, o := range t {
		o.PollReturned(ready)
	}
}

func (t tee) CallbackStarted(c Callback) {
	for _, o := range t {
		o.CallbackStarted(c)
	}
}

func (t tee) CallbackReturned(c Callback) {
	for _, o := range t {
		o.CallbackReturned(c)
	}
}
