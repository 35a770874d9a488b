package loop_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/loop"
)

// calls is an observer that writes down each call, under its name.
type calls struct {
	name string
	log  *[]string
}

func (c calls) add(format string, args ...any) {
	*c.log = append(*c.log, c.name+" "+fmt.Sprintf(format, args...))
}
func (c calls) IterationStarted(n uint64)         { c.add("iteration %d", n) }
func (c calls) PollStarted(timeout time.Duration) { c.add("poll %v", timeout) }
func (c calls) PollReturned(ready []loop.Event)   { c.add("ready %d", len(ready)) }
func (c calls) CallbackStarted(cb loop.Callback)  { c.add("start %v", cb.Kind) }
func (c calls) CallbackReturned(cb loop.Callback) { c.add("return %v", cb.Kind) }

func TestTeeTellsEachObserverInTurn(t *testing.T) {
	var log []string
	o := loop.Tee(calls{"a", &log}, nil, calls{"b", &log})
	o.IterationStarted(1)
	o.PollStarted(-1)
	o.PollReturned(make([]loop.Event, 2))
	o.CallbackStarted(loop.Callback{Kind: loop.Reader})
	o.CallbackReturned(loop.Callback{Kind: loop.Reader})
	want := []string{
		"a iteration 1", "b iteration 1",
		"a poll -1ns", "b poll -1ns",
		"a ready 2", "b ready 2",
		"a start reader", "b start reader",
		"a return reader", "b return reader",
	}
	if diff := cmp.Diff(want, log); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestTeeOfOneIsThatOne(t *testing.T) {
	var log []string
	one := calls{"a", &log}
	if got := loop.Tee(nil, one, nil); got != loop.Observer(one) {
		t.Errorf("Tee(nil, a, nil) = %#v, want a itself", got)
	}
	if got := loop.Tee(nil, nil); got != nil {
		t.Errorf("Tee(nil, nil) = %#v, want nil: a loop without observers pays one nil check", got)
	}
}
