package main

import (
	"syscall"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/signals"
)

// A stopSignals hears Ctrl-C (SIGINT) and SIGTERM as callbacks of a loop
// of its own (package signals), so that run waits for them as the kit
// waits for everything: in a poll call. One loop serves every style, the
// goroutines style included, which has no loop of its own; the servers'
// own loops stay free of them and end when their listener closes.
type stopSignals struct {
	loop     *loop.Loop
	handlers []*signals.Handler
}

// catchStop handles SIGINT and SIGTERM from now on, until wait returns.
// Call it before the server says it listens: a SIGTERM sent right after
// that line must stop the server, not kill the process.
func catchStop() (*stopSignals, error) {
	l, err := loop.New()
	if err != nil {
		return nil, err
	}
	s := &stopSignals{loop: l}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		h, err := signals.Handle(l, sig, s.release)
		if err != nil {
			s.close()
			return nil, err
		}
		h.Hold() // nothing else keeps this loop running
		s.handlers = append(s.handlers, h)
	}
	return s, nil
}

// release stops the handlers: the first signal ends wait's Run, and a
// second Ctrl-C, during a close that hangs, ends the program as usual.
func (s *stopSignals) release() {
	for _, h := range s.handlers {
		h.Stop()
	}
}

// wait runs the loop until the first SIGINT or SIGTERM, then closes it.
func (s *stopSignals) wait() error {
	defer s.loop.Close()
	return s.loop.Run()
}

// close gives up the signals without waiting: run failed to start.
func (s *stopSignals) close() {
	s.release()
	s.loop.Close()
}
