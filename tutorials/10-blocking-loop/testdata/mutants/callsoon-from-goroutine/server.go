// Package lookup is the server of tutorial step 10: a line server on the
// kit's loop whose /lookup command asks a directory that takes its time to
// answer. Every line comes back as it was sent, except "/lookup NAME",
// which is answered with NAME's address from the directory.
//
// The directory's lookup blocks: it stands for a DNS query, a database
// call, a file on a network disk, any call that waits in the kernel. On the
// loop goroutine such a call stops the loop, and with it every other
// client. Server.lookup is where that happens, and where it is fixed.
package lookup

import (
	"strings"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/lineserver"
)

// A Server answers the lines of its clients. Its methods run on the loop
// goroutine.
type Server struct {
	loop      *loop.Loop
	directory func(name string) string // blocks until it has the address
}

// New returns a server for l that looks names up in directory.
func New(l *loop.Loop, directory func(name string) string) *Server {
	return &Server{loop: l, directory: directory}
}

// OnLine handles one line of c: "/lookup NAME" is answered with NAME's
// address, any other line with itself. It is the handler lineserver.Serve
// calls, on the loop goroutine.
func (s *Server) OnLine(c *lineserver.Conn, line string) {
	name, ok := strings.CutPrefix(line, "/lookup ")
	if !ok {
		c.Reply(line + "\n")
		return
	}
	s.lookup(c, name)
}

// lookup answers "/lookup NAME". The directory blocks, so it is asked on a
// goroutine of its own, and the loop goes on serving everyone else; the
// answer comes back to the loop goroutine, which alone may write to c.
func (s *Server) lookup(c *lineserver.Conn, name string) {
	answer := c.Later()
	go func() {
		addr := s.directory(name) // blocks this goroutine, not the loop
		// The mistake: CallSoon from a goroutine that is not the loop's.
		s.loop.CallSoon(func() { answer(Answer(name, addr)) })
	}()
}

// Answer is the reply to "/lookup name".
func Answer(name, addr string) string { return name + " is at " + addr + "\n" }
