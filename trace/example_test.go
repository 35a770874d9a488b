package trace_test

import (
	"os"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
	"github.com/loopkit/loopkit/trace"
)

// A loop on a fake clock, with a recorder: one callback, which notes a
// line, sets a timer for a second later and moves the clock on; then the
// timer fires. The diagram is the same on every run and every backend.
func Example() {
	clock := timers.NewFake(time.Date(2014, 7, 23, 12, 0, 0, 0, time.UTC))
	rec := trace.NewRecorder()
	l, err := loop.New(loop.WithObserver(rec), loop.WithClock(clock))
	if err != nil {
		panic(err)
	}
	defer l.Close()
	rec.Attach(l)

	l.CallSoon(func() {
		rec.Note("", "hello")
		l.CallLater(time.Second, func() { rec.Note("", "a second later") })
		clock.Advance(time.Second) // wakes the loop, through its wake-up fd
	})
	if err := l.Run(); err != nil {
		panic(err)
	}
	trace.WriteText(os.Stdout, "", rec.Events())
	// Output:
	// iter time  loop
	//   #1 0s    ● poll(0s) watching nothing
	//            ● ready: nothing
	//            ● soon: trace_test.Example.func1
	//            ● hello
	//   #2 1s    ● poll(0s) watching nothing
	//            ● ready: wake:R
	//            ● timer due 1s, late 0s: trace_test.Example.func1.1
	//            ● a second later
}
