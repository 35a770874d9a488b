package trace

import (
	"fmt"
	"strings"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// An Event is one step of a run, as a Recorder saw it. The fields beyond
// Kind, Iteration, At and Lane belong to one kind or another, as marked;
// the others are zero.
type Event struct {
	Kind      Kind
	Iteration uint64        // the loop iteration it happened in (0: before the first)
	At        time.Duration // on the loop's clock, since the recorder was attached
	// Lane is where it happens: "loop", an fd's name ("conn#1"), a
	// coroutine's name, or a lane given to Note.
	Lane string

	Timeout  time.Duration // PollStarted: how long poll may block; < 0 for ever
	Watching []FD          // PollStarted: the fds with a waiter, in increasing fd order
	Ready    []FD          // PollReturned: the fds poll found ready, in its order

	Callback loop.Kind     // CallbackRun: why it runs (soon, reader, writer)
	FD       string        // CallbackRun: the name of a reader's or writer's fd
	Func     string        // CallbackRun, TimerFired: the function, trimmed ("callbacks.(*Conn).onReadable")
	Deadline time.Duration // TimerFired: when it was due, since the recorder was attached
	Late     time.Duration // TimerFired: how long after its deadline it runs

	Coroutine string // Resumed, Parked, Finished: the coroutine's name
	What      string // Parked: what it waits on ("Sleep", "Conn.Read"); Note: the text
	Err       string // Finished: the error it finished with, or ""
}

// Kind says what an Event is.
type Kind uint8

// The kinds of event, in the order an iteration meets them.
const (
	IterationStarted Kind = iota
	PollStarted           // the loop enters poll
	PollReturned          // poll returned, with the fds that are ready
	CallbackRun           // a callback queued by CallSoon, or the waiter of a ready fd, starts
	TimerFired            // a due timer's callback starts
	CallbackReturned      // the callback (or timer) that started last returns
	Resumed               // the loop hands control to a coroutine (the first time: it starts)
	Parked                // the coroutine hands control back, waiting on What
	Finished              // the coroutine's function returned
	Note                  // a line of the program's own, given to Recorder.Note
)

var kindNames = [...]string{
	IterationStarted: "iteration",
	PollStarted:      "poll",
	PollReturned:     "ready",
	CallbackRun:      "callback",
	TimerFired:       "timer",
	CallbackReturned: "return",
	Resumed:          "resume",
	Parked:           "park",
	Finished:         "finish",
	Note:             "note",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// An FD is an fd in an event, by name, with the events it is waited for
// (Watching) or ready for (Ready).
type FD struct {
	Name   string
	Events loop.Events
}

// String returns "conn#1:R", "listener:R", "conn#2:RW".
func (f FD) String() string {
	var ev string
	if f.Events&loop.Readable != 0 {
		ev += "R"
	}
	if f.Events&loop.Writable != 0 {
		ev += "W"
	}
	return f.Name + ":" + ev
}

// fdList returns the fds as "listener:R conn#1:R", or "nothing".
func fdList(fds []FD) string {
	if len(fds) == 0 {
		return "nothing"
	}
	parts := make([]string, len(fds))
	for i, f := range fds {
		parts[i] = f.String()
	}
	return strings.Join(parts, " ")
}
