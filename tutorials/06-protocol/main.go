// Command 06-protocol runs the talk's chat server, each connection a line
// protocol object you finish (exercise/lineproto.go), on the kit's loop
// and its protocol front end (package callbacks/protocol).
//
//	go run ./tutorials/06-protocol            # the chat on 127.0.0.1:7006
//	go run ./tutorials/06-protocol -demo      # lines split anywhere; a peer that stops reading
//	go run ./tutorials/06-protocol -trace     # every poll, and every callback the loop runs
//	go run ./tutorials/06-protocol -ref       # the reference solution
//	go test ./tutorials/06-protocol           # check your LineProtocol
package main

import (
	"fmt"
	"io"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/chatroom"
	"github.com/loopkit/loopkit/tutorials/internal/linechat"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) error {
	p := step.New("06-protocol", "127.0.0.1:7006")
	p.AddTrace("print every poll and every callback the loop runs")
	return p.Run(args, out, func(r step.Run) error {
		l, err := r.NewLoop()
		if err != nil {
			return err
		}
		defer l.Close()
		newProtocol := impls[r.Impl]
		limits := chatroom.DefaultLimits
		chat := linechat.NewChat(limits)
		srv, err := protocol.Serve(l, r.Addr, func() protocol.Protocol {
			return newProtocol(chat, limits.MaxLine, limits.MaxQueued)
		})
		if err != nil {
			return r.ListenError(err)
		}
		if r.Demo {
			return runDemo(out, l, srv, newProtocol)
		}
		r.Listening(srv.Addr(), "the chat on the "+r.Impl+"'s LineProtocol")
		fmt.Fprintf(out, "  or join it, from two terminals: %s\n", step.Join(srv.Addr()))
		step.OnInterrupt(func() { l.CallSoonThreadSafe(srv.Abort) }) // nothing left to wait for: Run returns
		return l.Run()
	})
}
