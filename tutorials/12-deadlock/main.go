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
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/coroutines"
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

// runDemo has alice and bob join, talk, and alice leave; then it stops the
// server gracefully, bob leaves, and it prints what Run returned.
func runDemo(out io.Writer, s *chatServer, wait time.Duration) error {
	type result struct {
		transcript []string
		err        error
	}
	done := make(chan result, 1)
	go func() {
		transcript, err := runClients(s.server.Addr().String(), s, wait)
		if err != nil {
			s.kill() // or Run would wait for the clients for ever
		}
		done <- result{transcript, err}
	}()
	runErr := s.run()
	r := <-done
	if r.err != nil {
		return r.err
	}
	for _, line := range r.transcript {
		fmt.Fprintln(out, line)
	}
	fmt.Fprintln(out)
	var deadlock *coroutines.DeadlockError
	switch {
	case runErr == nil:
		fmt.Fprintln(out, "Run returned nil: every coroutine finished, nothing was left waiting.")
	case errors.As(runErr, &deadlock):
		fmt.Fprintf(out, "Run returned a deadlock, instead of hanging for ever:\n  %v\n\n", runErr)
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  coroutine\twaits on\tparked at\n")
		for _, p := range deadlock.Parked {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", p.Name, p.What, p.Site)
		}
		tw.Flush()
		fmt.Fprintln(out, "\nRead it from the writer up: writer(alice) waits on a queue nobody will put to again;\n"+
			"its handler waits to join it; the server's stop waits for the handlers.")
	default:
		return runErr
	}
	return nil
}

// runClients plays alice and bob, and stops the server once alice has
// left, before bob does. It returns what happened, one line each.
func runClients(addr string, s *chatServer, wait time.Duration) ([]string, error) {
	const bound = 10 * time.Second
	var lines []string
	say := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	alice, err := joinChat(addr, "alice", bound)
	if err != nil {
		return nil, err
	}
	defer alice.close()
	say("alice joins.")
	bob, err := joinChat(addr, "bob", bound)
	if err != nil {
		return nil, err
	}
	defer bob.close()
	heard, err := alice.readLine(bound)
	if err != nil {
		return nil, err
	}
	say("bob joins;                alice hears %q", heard)
	alice.send("hi bob, bye bob")
	heard, err = bob.readLine(bound)
	if err != nil {
		return nil, err
	}
	say("alice says hi, and bye;   bob hears %q", heard)
	alice.close()
	heard, err = bob.readLine(wait)
	if err != nil {
		heard = fmt.Sprintf("nothing in %v", wait)
	} else {
		heard = fmt.Sprintf("%q", heard)
	}
	say("alice leaves;             bob hears %s", heard)
	if err := s.stop(); err != nil {
		return nil, err
	}
	say("the server stops: no new users, and it ends once everyone has left.")
	bob.close()
	say("bob leaves.")
	return lines, nil
}
