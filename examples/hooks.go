package examples

import (
	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

// Hooks let a caller shape the loops and coroutine hubs a program makes,
// without changing the program: put a fake clock (loop.WithClock), an
// observer (loop.WithObserver) or a watchdog (loop.WithWatchdog) on each
// loop, and an observer on each hub (Hub.SetObserver). trace/scenarios
// draws the examples' diagrams that way, with a trace.Recorder. The zero
// Hooks changes nothing. Config and fetch.Config hold them.
type Hooks struct {
	// LoopOptions are given to loop.New for every loop the program makes,
	// after the options of its Config (the backend, the error handler),
	// which they may override.
	LoopOptions []loop.Option
	// OnLoop, if not nil, is called with every loop the program makes,
	// right after loop.New, on the goroutine that will run the loop,
	// before the program puts anything on it: to attach a
	// trace.Recorder, say.
	OnLoop func(*loop.Loop)
	// OnHub, if not nil, is called with every hub a coroutines style makes,
	// on the loop goroutine, before any coroutine of the hub runs.
	OnHub func(*coroutines.Hub)
}

// NewLoop makes a loop as the programs do: on backend ("" for the
// default), its errors going to onError (nil: standard error), with the
// LoopOptions; then it hands the loop to OnLoop.
func (h Hooks) NewLoop(backend string, onError func(error)) (*loop.Loop, error) {
	opts := append([]loop.Option{loop.WithBackend(backend), loop.WithErrorHandler(OrPrint(onError))}, h.LoopOptions...)
	l, err := loop.New(opts...)
	if err != nil {
		return nil, err
	}
	if h.OnLoop != nil {
		h.OnLoop(l)
	}
	return l, nil
}

// NewHub makes the hub of l, as coroutines.NewHub, and hands it to OnHub.
// Call it on l's goroutine, before l runs.
func (h Hooks) NewHub(l *loop.Loop) *coroutines.Hub {
	hub := coroutines.NewHub(l)
	h.showHub(hub)
	return hub
}

// A hubServer is a LoopServer whose coroutines run on a hub of its own
// (CoroutinesServer is one): ServeLoops hands that hub to OnHub.
type hubServer interface {
	Hub() *coroutines.Hub
}

// showHub hands hub to OnHub, if set.
func (h Hooks) showHub(hub *coroutines.Hub) {
	if h.OnHub != nil {
		h.OnHub(hub)
	}
}
