// Command 12-deadlock runs the gevent talk's chat server in coroutines
// (exercise/chat.go), whose leave path, like the talk's joinall([r, w]),
// waits for a writer that nobody will ever wake.
//
//	go run ./tutorials/12-deadlock           # the chat on 127.0.0.1:7012
//	go run ./tutorials/12-deadlock -demo     # alice leaves; does bob hear it? then the server stops
//	go run ./tutorials/12-deadlock -ref      # the reference chat
//	go test ./tutorials/12-deadlock          # TestLeaveIsAnnouncedAndNothingParks
package main

import (
	"fmt"
	"io"
	"time"

	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/tutorials/internal/detector"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) error {
	p := step.New("12-deadlock", "127.0.0.1:7012")
	wait := p.Duration("wait", time.Second, "-demo: how long bob waits to hear that alice left")
	return p.Run(args, out, func(r step.Run) error {
		report := func(err error) { fmt.Fprintln(out, detector.Describe(err)) }
		s, err := newChatServer(r.Addr, impls[r.Impl](chatroom.DefaultLimits), report)
		if err != nil {
			return r.ListenError(err)
		}
		if r.Demo {
			return runDemo(out, s, *wait)
		}
		r.Listening(s.server.Addr(), "the "+r.Impl+"'s chat; a first Ctrl-C stops it once everyone has left")
		fmt.Fprintf(out, "  or, in two terminals, %s: join as alice and bob, then leave as alice (Ctrl-D)\n", step.Join(s.server.Addr()))
		go stopOnInterrupt(out, s)
		return s.run()
	})
}

// stopOnInterrupt stops the server gracefully at the first Ctrl-C, and at
// once at the second.
func stopOnInterrupt(out io.Writer, s *chatServer) {
	step.WaitInterrupt()
	fmt.Fprintln(out, "stopping: no new users; the server ends once everyone has left (Ctrl-C again: now)")
	if s.stop() != nil {
		return
	}
	step.WaitInterrupt()
	s.kill()
}
