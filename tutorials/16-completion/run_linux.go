//go:build linux

package main

import (
	"fmt"
	"io"

	"github.com/loopkit/loopkit/examples/echo/completion"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process.
func run(args []string, out io.Writer) error {
	p := step.New("16-completion", "127.0.0.1:7016")
	clients := p.Int("clients", 50, "-demo: how many clients connect at once")
	trips := p.Int("round-trips", 200, "-demo: how many round trips each client makes")
	return p.Run(args, out, func(r step.Run) error {
		queues := impls[r.Impl]
		if err := checkRing(queues); err != nil {
			return fmt.Errorf("the %s's ring: %w\n  go test ./tutorials/16-completion says more", r.Impl, err)
		}
		if r.Demo {
			return runDemo(out, queues, *clients, *trips)
		}
		srv, err := completion.StartWith(r.Addr, r.Report, queues)
		if err != nil {
			return r.ListenError(err)
		}
		r.Listening(srv.Addr(), "the completion echo on the "+r.Impl+"'s ring")
		fmt.Fprintf(out, "  or talk to it: %s\n", step.Join(srv.Addr()))
		step.WaitInterrupt()
		return srv.Close()
	})
}

// checkRing runs ten NOPs through a ring of four entries on queues, and
// refuses a ring that loses, repeats or reorders them: a server on it
// would hang or corrupt the echo rather than say why.
func checkRing(queues queuesFunc) error {
	trip := nopTrip{size: 4, n: 10}
	got, err := trip.run(queues)
	if err != nil {
		return err
	}
	if problem := trip.firstProblem(got); problem != "" {
		return fmt.Errorf("%s", problem)
	}
	return nil
}
