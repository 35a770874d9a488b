//go:build linux

package main

import (
	"errors"
	"fmt"
	"slices"

	"github.com/loopkit/loopkit/examples/echo/completion"
	"github.com/loopkit/loopkit/internal/uring"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// A nopTrip is the smallest round trip through a ring: requests that do
// nothing (IORING_OP_NOP), user_data 1 to n, submitted through a ring of
// size entries, more than it holds when n > size, and every completion
// read back. The checks and the program both run it on a Ring before
// they trust it with a server.
type nopTrip struct {
	size, n uint32
}

// run makes a ring, runs the trip on newQueues' half of it, and returns the
// user_data of the completions in the order they came.
func (trip nopTrip) run(newQueues queuesFunc) (got []uint64, err error) {
	ring, err := uring.New(trip.size, 32) // room for every completion of a trip of up to 32
	if err != nil {
		return nil, err
	}
	defer ring.Close()
	if problem := todo.Catch(func() { got, err = trip.submitAndReap(newQueues(ring)) }); problem != "" {
		return got, errors.New(problem)
	}
	return got, err
}

// submitAndReap submits the NOPs, entering whenever NextSQE has no entry
// left, then enters once more and reads every completion. A completion
// read again and again (a head never moved) stops the reading at 4n.
func (trip nopTrip) submitAndReap(q completion.Queues) ([]uint64, error) {
	for i := range uint64(trip.n) {
		sqe := q.NextSQE()
		if sqe == nil {
			if err := q.Enter(0); err != nil {
				return nil, err
			}
			if sqe = q.NextSQE(); sqe == nil {
				return nil, fmt.Errorf("NextSQE() = nil right after Enter(0) handed the kernel every entry")
			}
		}
		sqe.Opcode, sqe.UserData = uring.OpNop, i+1
	}
	if err := q.Enter(0); err != nil {
		return nil, err
	}
	var got []uint64
	for len(got) < 4*int(trip.n) {
		cqe, ok := q.Completion()
		if !ok {
			break
		}
		got = append(got, cqe.UserData)
	}
	return got, nil
}

// firstProblem words what is wrong with the user_data that came back, or
// returns "".
func (trip nopTrip) firstProblem(got []uint64) string {
	want := make([]uint64, trip.n)
	for i := range want {
		want[i] = uint64(i + 1)
	}
	if slices.Equal(got, want) {
		return ""
	}
	return fmt.Sprintf("%d NOPs (user_data 1 to %d) went through a ring of %d entries; the completions read back "+
		"had user_data %v, want each once, in order", trip.n, trip.n, trip.size, abbreviate(got))
}

func abbreviate(xs []uint64) string {
	if len(xs) > 12 {
		return fmt.Sprintf("%v ... (%d in all)", xs[:12], len(xs))
	}
	return fmt.Sprint(xs)
}
