package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/tutorials/internal/demo"
)

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
	tell := func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	alice, err := demo.JoinChat(addr, "alice", bound)
	if err != nil {
		return nil, err
	}
	defer alice.Close()
	tell("alice joins.")
	bob, err := demo.JoinChat(addr, "bob", bound)
	if err != nil {
		return nil, err
	}
	defer bob.Close()
	heard, err := alice.ReadLine(bound)
	if err != nil {
		return nil, err
	}
	tell("bob joins;                alice hears %q", strings.TrimSuffix(heard, "\n"))
	if err := alice.Say("hi bob, bye bob"); err != nil {
		return nil, err
	}
	heard, err = bob.ReadLine(bound)
	if err != nil {
		return nil, err
	}
	tell("alice says hi, and bye;   bob hears %q", strings.TrimSuffix(heard, "\n"))
	alice.Close()
	if heard, err = bob.ReadLine(wait); err != nil {
		heard = fmt.Sprintf("nothing in %v", wait)
	} else {
		heard = fmt.Sprintf("%q", strings.TrimSuffix(heard, "\n"))
	}
	tell("alice leaves;             bob hears %s", heard)
	if err := s.stop(); err != nil {
		return nil, err
	}
	tell("the server stops: no new users, and it ends once everyone has left.")
	bob.Close()
	tell("bob leaves.")
	return lines, nil
}
