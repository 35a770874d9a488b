// Package compute is the server of tutorial step 11: a line server on the
// kit's loop that computes. "fib N" is answered with fib(N), computed the
// slow way (package work), and any other line comes back as it was sent.
//
// The work needs no I/O, only CPU. Run in one callback, it keeps the loop
// from polling until it is done: no timer fires, no other client is
// served. compute.go runs it three ways (see Mode): all at once, the
// mistake; in slices, yielding to the loop between them; and on a worker
// goroutine, which hands the answer back to the loop.
package compute

import (
	"fmt"
	"strings"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/lineserver"
	"github.com/loopkit/loopkit/tutorials/internal/work"
)

// A Mode is how the server runs the work of a request.
type Mode int

// The modes, in the order the demo shows them.
const (
	AllAtOnce Mode = iota // on the loop goroutine, in one callback: the mistake
	InSlices              // on the loop goroutine, one slice per iteration
	OnWorker              // on a goroutine of its own
)

// Modes lists the modes, for the demo and the checks.
var Modes = []Mode{AllAtOnce, InSlices, OnWorker}

func (m Mode) String() string {
	switch m {
	case AllAtOnce:
		return "all at once"
	case InSlices:
		return "in slices"
	case OnWorker:
		return "on a worker"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// A Server answers the lines of its clients. Its methods run on the loop
// goroutine.
type Server struct {
	loop    *loop.Loop
	mode    Mode
	newWork func(arg string) (work.Work, error)
}

// New returns a server for l that runs its work in mode; newWork makes the
// work of "fib ARG" (work.Parse in the program, a gated work in the
// checks).
func New(l *loop.Loop, mode Mode, newWork func(arg string) (work.Work, error)) *Server {
	return &Server{loop: l, mode: mode, newWork: newWork}
}

// OnLine handles one line of c: "fib N" is answered with fib(N) once the
// work is done, any other line with itself. It is the handler
// lineserver.Serve calls, on the loop goroutine.
func (s *Server) OnLine(c *lineserver.Conn, line string) {
	arg, ok := strings.CutPrefix(line, "fib ")
	if !ok {
		c.Reply(line + "\n")
		return
	}
	w, err := s.newWork(arg)
	if err != nil {
		c.Reply(fmt.Sprintf("fib %s: %v\n", arg, err))
		return
	}
	answer := c.Later()
	done := func() { answer(fmt.Sprintf("fib %s = %s\n", arg, w.Result())) }
	switch s.mode {
	case AllAtOnce:
		s.allAtOnce(w, done)
	case InSlices:
		s.inSlices(w, done)
	case OnWorker:
		s.onWorker(w, done)
	}
}
