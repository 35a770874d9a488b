package scenarios

import (
	"context"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/trace/scenarios/internal/stage"
)

// The talk's print_sum and compute, in the two styles it compares. Where
// the talk prints, these note the line in the trace (printf), in the lane
// of what prints it.
//
//	def compute(x, y):
//	    print "Compute %s + %s ..." % (x, y)
//	    gevent.sleep(1.0)
//	    return x + y
//
//	def print_sum(x, y):
//	    result = compute(x, y)
//	    print "%s + %s = %s" % (x, y, result)

// runPrintSum runs print_sum(1, 2) in style, on the stage's loop, until it
// has printed. No world outside the loop: the stage moves the fake clock
// when the loop would wait for compute's timer.
func runPrintSum(s *stage.Stage, style string) error {
	l, err := s.NewLoop()
	if err != nil {
		return err
	}
	defer l.Close()
	printf := func(format string, args ...any) { s.Note("", format, args...) }
	s.Begin()
	if style == "callbacks" {
		l.CallSoon(callbacksTalk{loop: l, printf: printf}.main)
		return l.Run()
	}
	hub := s.NewHub(l)
	defer hub.Close()
	hub.Spawn(func(ctx context.Context) error {
		return printSumCoroutines(ctx, printf, 1, 2)
	}).SetName("print_sum")
	return hub.Run()
}

// printSumCoroutines is print_sum as a coroutine: it spawns compute and
// joins it (Get is Join, and the value), parking meanwhile.
func printSumCoroutines(ctx context.Context, printf func(string, ...any), x, y int) error {
	compute := coroutines.SpawnValue(ctx, func(ctx context.Context) (int, error) {
		return computeCoroutines(ctx, printf, x, y)
	})
	compute.SetName("compute")
	result, err := compute.Get(ctx)
	if err != nil {
		return err
	}
	printf("%d + %d = %d", x, y, result)
	return nil
}

// computeCoroutines sleeps a second on the loop's clock, then returns the
// sum: Sleep parks the coroutine, with its whole stack, until a loop timer
// wakes it.
func computeCoroutines(ctx context.Context, printf func(string, ...any), x, y int) (int, error) {
	printf("Compute %d + %d ...", x, y)
	if err := coroutines.Sleep(ctx, time.Second); err != nil {
		return 0, err
	}
	return x + y, nil
}

// callbacksTalk is the talk's program with callbacks: what its callbacks
// share, the loop and where to print.
type callbacksTalk struct {
	loop   *loop.Loop
	printf func(string, ...any)
}

// main is the first callback: print_sum(1, 2).
func (t callbacksTalk) main() { t.printSum(1, 2) }

// printSum is print_sum with callbacks: the sum arrives as the argument of
// a function that compute calls later, from the loop, on a stack of its
// own; its result can go nowhere but into more callbacks.
func (t callbacksTalk) printSum(x, y int) {
	t.compute(x, y, func(result int) {
		t.printf("%d + %d = %d", x, y, result)
	})
}

// compute calls done with the sum once a second has passed on the loop's
// clock: a loop timer.
func (t callbacksTalk) compute(x, y int, done func(int)) {
	t.printf("Compute %d + %d ...", x, y)
	t.loop.CallLater(time.Second, func() { done(x + y) })
}
