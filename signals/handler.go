package signals

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// A Handler is a function the loop calls, on the loop goroutine, each time
// the process receives a signal: asyncio's add_signal_handler, libuv's
// uv_signal_t.
type Handler struct {
	// Set by Handle, then read-only.
	loop   *loop.Loop
	fn     func()
	ch     chan os.Signal // os/signal.Notify sends the signal here
	done   chan struct{}  // closed by Stop: the relay ends
	exited chan struct{}  // closed by the relay as it ends

	// Owned by the loop goroutine.
	stopped bool
	release func() // of the loop's Hold, while Hold is in force
}

// Handle makes l call fn, on the loop goroutine, after the process
// receives sig, until Stop. Signals of the same number that arrive while
// fn's call is on its way may be run as one (see the package doc). fn does
// not keep l's Run going; Hold makes it.
//
// Handle refuses SIGKILL, SIGSTOP, a number that is not a signal of this
// OS, and a nil fn, with an error naming the problem. Call it on the loop
// goroutine (or before Run). It costs one goroutine, blocked on a channel
// until Stop.
func Handle(l *loop.Loop, sig syscall.Signal, fn func()) (*Handler, error) {
	if err := Check(sig); err != nil {
		return nil, err
	}
	if fn == nil {
		return nil, fmt.Errorf("signals: Handle(%s): nil handler", unix.SignalName(sig))
	}
	h := &Handler{loop: l, fn: fn,
		ch: make(chan os.Signal, 1), done: make(chan struct{}), exited: make(chan struct{})}
	signal.Notify(h.ch, sig)
	go h.relay()
	return h, nil
}

// Check returns an error if sig cannot be handled: SIGKILL and SIGSTOP,
// which the kernel acts on without asking the process, and numbers that
// are not a signal of this OS (real-time signals included: the kit does
// not offer them).
func Check(sig syscall.Signal) error {
	switch {
	case sig == unix.SIGKILL || sig == unix.SIGSTOP:
		return fmt.Errorf("signals: %s (%d) cannot be caught, blocked or ignored: "+
			"the kernel acts on it without asking the process", unix.SignalName(sig), int(sig))
	case unix.SignalName(sig) == "":
		return fmt.Errorf("signals: %d is not a signal of %s (kill -l lists them)", int(sig), runtime.GOOS)
	}
	return nil
}

// relay is the goroutine of the self-pipe: it takes each signal from the
// channel os/signal sends to, and hands the handler to the loop, whose
// wake-up fd the poll call watches. It is the one goroutine of the package,
// and the only wait outside the loop's poll: the runtime delivers signals
// to a channel, and a loop cannot poll a channel.
func (h *Handler) relay() {
	defer close(h.exited)
	for {
		select {
		case <-h.ch:
			if err := h.loop.CallSoonThreadSafe(h.run); err != nil {
				// The loop is closed: nobody is left to run the
				// handler. Give the signal back to its default, so
				// that a Ctrl-C still ends the program.
				signal.Stop(h.ch)
				return
			}
		case <-h.done:
			return
		}
	}
}

// run is the loop callback: the user's handler, unless Stop came first.
func (h *Handler) run() {
	if !h.stopped {
		h.fn()
	}
}

// Hold keeps the loop's Run going while h is handled, until Stop: for a
// program that waits for a signal and nothing else. Loop goroutine only.
func (h *Handler) Hold() {
	if h.release == nil && !h.stopped {
		h.release = h.loop.Hold()
	}
}

// Stop removes the handler: once it returns, fn never runs again, the
// handler's goroutine has ended, and the signal has the disposition it had
// without h (for SIGINT and SIGTERM, if no other handler wants them: the
// program ends). Stop is idempotent. Loop goroutine only.
func (h *Handler) Stop() {
	if h.stopped {
		return
	}
	h.stopped = true
	signal.Stop(h.ch)
	close(h.done)
	<-h.exited // at once: the relay never blocks but on these two channels
	if h.release != nil {
		h.release()
		h.release = nil
	}
}
