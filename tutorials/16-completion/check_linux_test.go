//go:build linux

package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/loopkit/loopkit/examples/echo/completion"
	"github.com/loopkit/loopkit/internal/uring"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// The checks of step 16. go test ./tutorials/16-completion checks your
// ring.go; LOOPKIT_IMPL=solution checks the reference. The first two run
// requests that do nothing (NOPs) through a ring of four entries, so that
// every count is small enough to read in a failure; the third serves the
// echo suite with the completion echo on your ring. Where the kernel
// refuses io_uring, they skip and say why.

// TestNextSQEHandsOutEachEntryOnce: a ring of 4 entries has 4 to give
// before the kernel takes any; the fifth NextSQE must say nil, or it would
// hand out an entry the kernel has not read yet.
func TestNextSQEHandsOutEachEntryOnce(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	const size = 4
	ring, err := uring.New(size, 2*size)
	skipIfRefused(t, err)
	if err != nil {
		t.Fatal(err)
	}
	defer ring.Close()
	q := steptest.Impl(t, impls)(ring)
	handedOut := 0
	if problem := todo.Catch(func() {
		for handedOut < 2*size && q.NextSQE() != nil {
			handedOut++
		}
	}); problem != "" {
		t.Fatal(problem)
	}
	if handedOut != size {
		t.Fatalf("ring: NextSQE: gave out %d entries of a ring of %d before its first nil (asked for up to %d), want %d: "+
			"an entry the kernel has not taken yet must not be handed out again", handedOut, size, 2*size, size)
	}
}

// TestEveryRequestCompletesOnce runs 10 NOPs through the ring of 4 (so
// Enter runs whenever NextSQE says nil) and reads the completions back:
// each user_data must come back once, in order (NOPs finish in the order
// they are submitted).
func TestEveryRequestCompletesOnce(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	trip := nopTrip{size: 4, n: 10}
	got, err := trip.run(steptest.Impl(t, impls))
	skipIfRefused(t, err)
	switch {
	case err != nil && strings.Contains(err.Error(), "right after Enter(0)"):
		t.Fatalf("ring: Enter: %v: the kernel took none of the entries handed out. "+
			"It reads only the entries before the submission queue's tail", err)
	case err != nil:
		t.Fatal(err)
	}
	if repeated, times := mostRepeated(got); times > 1 {
		t.Fatalf("ring: Completion: user_data %d came back %d times: the same completion was read again "+
			"(%s)", repeated, times, trip.firstProblem(got))
	}
	if problem := trip.firstProblem(got); problem != "" {
		t.Fatal(problem)
	}
}

// mostRepeated returns the user_data that came back most often, and how
// often.
func mostRepeated(got []uint64) (uint64, int) {
	count := map[uint64]int{}
	var most uint64
	for _, u := range got {
		count[u]++
		if count[u] > count[most] {
			most = u
		}
	}
	return most, count[most]
}

// TestEchoOnYourRing serves the echo suite (1 MiB, then twenty clients at
// once) with the completion echo on your ring, once the NOPs go through
// it; it is skipped until then, since a server on a broken ring hangs
// rather than says why.
func TestEchoOnYourRing(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	queues := steptest.Impl(t, impls)
	if err := checkRing(queues); err != nil {
		skipIfRefused(t, err)
		t.Skipf("finish TestEveryRequestCompletesOnce first: %v", err)
	}
	srv := steptest.NewServer(t, "")
	echo, err := completion.StartWith("127.0.0.1:0", srv.Report, queues)
	if err != nil {
		t.Fatal(err)
	}
	srv.Addr = echo.Addr()
	closed := make(chan error, 1)
	srv.OnStop(func() { closed <- echo.Close() })
	if steptest.Echo(t, srv, 1, steptest.MiB) {
		steptest.Echo(t, srv, 20, 64<<10)
	}
	srv.Stop()
	if err := <-closed; err != nil {
		t.Errorf("closing the server: %v", err)
	}
}

// skipIfRefused skips a check where the kernel refuses io_uring: nothing
// of the student's can run there.
func skipIfRefused(t *testing.T, err error) {
	t.Helper()
	if errors.Is(err, uring.ErrUnavailable) {
		t.Skipf("io_uring cannot be used here, so this step cannot run: %v", err)
	}
}

// hintOnFailure points at the hints when the test failed.
func hintOnFailure(t *testing.T) {
	if t.Failed() {
		t.Log("stuck? tutorials/16-completion/hints.md quotes each check's message, with three hints per function")
	}
}
