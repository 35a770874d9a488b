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
	// OnLoop, if not nil, is called with every loop the program makes, on
	// the goroutine that will run the loop, before it runs: to attach a
	// trace.Recorder, say.
	OnLoop func(*loop.Loop)
	// OnHub, if not nil, is called with every hub a coroutines style makes,
	// on the loop goroutine, before any coroutine of the hub runs.
	OnHub func(*coroutines.Hub)
}

// Options returns the options a program gives loop.New: backend ("" for
// the default), its errors going to onError (nil: standard error), then
// the LoopOptions.
func (h Hooks) Options(backend string, onError func(error)) []loop.Option {
	return append([]loop.Option{loop.WithBackend(backend), loop.WithErrorHandler(OrPrint(onError))}, h.LoopOptions...)
}

// Made hands a loop the program made to OnLoop, and its hub, if not nil,
// to OnHub. Call it on the loop's goroutine, before the loop runs.
func (h Hooks) Made(l *loop.Loop, hub *coroutines.Hub) {
	if h.OnLoop != nil {
		h.OnLoop(l)
	}
	if h.OnHub != nil && hub != nil {
		h.OnHub(hub)
	}
}

// NewLoop makes a loop with the Options and hands it to OnLoop.
func (h Hooks) NewLoop(backend string, onError func(error)) (*loop.Loop, error) {
	l, err := loop.New(h.Options(backend, onError)...)
	if err != nil {
		return nil, err
	}
	h.Made(l, nil)
	return l, nil
}
