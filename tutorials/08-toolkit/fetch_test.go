package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/examples/fetch"
	"github.com/loopkit/loopkit/examples/fetch/fetchtest"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// TestPoolLimit is the talk's example: 100 URLs through Pool(20). The
// server (fetchtest's, which counts the requests in flight) holds every
// request until 20 are in flight at once, then answers each 50ms later:
// the fetch passes only if it overlaps 20 requests, and never more, even
// while those 20 are slow to answer.
func TestPoolLimit(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	p := steptest.Impl(t, impls)
	s := fetchtest.NewServer(50 * time.Millisecond)
	defer s.Close()
	s.SetGate(20)
	urls := make([]string, 100)
	var want []string
	for i := range urls {
		urls[i] = s.URLOf(fmt.Sprintf("/ok/%d", i))
		want = append(want, fmt.Sprintf("%s: body of %d", urls[i], i))
	}
	got := summarize(fetchOnLoop(t, p, nil, urls, 20, steptest.Scale(10*time.Second)))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the results of 100 URLs through Pool(20), in the order of the list (-want +got):\n%s", diff)
	}
	if n := s.MaxInFlight(); n != 20 {
		t.Errorf("the server saw at most %d requests in flight at once, want 20: a Pool of 20 runs 20 downloads at a time, "+
			"never more, and does not wait for one to finish before it starts the next", n)
	}
}

// TestFetch runs the fetch suite every style of examples/fetch passes:
// pools of 20 and 1, fewer URLs than the pool, an error per URL in its
// place, a timeout (on the real clock), no URLs at all.
func TestFetch(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	p := steptest.Impl(t, impls)
	if fetchOnLoop(t, p, nil, nil, 1, time.Second); t.Failed() {
		t.FailNow() // FetchAll of no URLs at all failed: the suite would only say so again, without why
	}
	fetchtest.Run(t, func(pool int, timeout time.Duration, urls []string) []fetch.Result {
		return fetchOnLoop(t, p, nil, urls, pool, timeout)
	})
}

// TestTimeoutOnFakeClock fetches a URL that never answers, with a timeout
// of an hour, on a loop whose clock is fake (timers.Fake): the timeout
// must not fire before the clock has moved an hour, and must fire as soon
// as it has, with an error that is a timeout (coroutines.ErrTimeout). A
// timeout on the runtime's clock (context.WithTimeout, time.After) never
// fires here: only the loop's timers see the fake clock.
func TestTimeoutOnFakeClock(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	p := steptest.Impl(t, impls)
	s := fetchtest.NewServer(0)
	clock := timers.NewFake(time.Date(2014, 7, 21, 9, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	var problems []string
	l, err := loop.New(loop.WithClock(clock), loop.WithErrorHandler(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		problems = append(problems, todo.Reported(err).Error())
	}))
	if err != nil {
		t.Fatal(err)
	}
	hub := coroutines.NewHub(l)
	const timeout = time.Hour
	var result []fetch.Result
	finished := false
	hub.Spawn(func(ctx context.Context) error {
		result = p.FetchAll(ctx, []string{s.URLOf("/hang")}, 1, timeout)
		finished = true
		return nil
	})
	ended := make(chan error, 1)
	go func() { ended <- hub.Run() }()
	t.Cleanup(func() {
		s.Close() // a request still held returns: its download ends
		select {
		case <-ended:
			hub.Close()
			l.Close()
		case <-time.After(bound()):
		}
	})
	explain := func() string {
		mu.Lock()
		defer mu.Unlock()
		if len(problems) == 0 {
			return ""
		}
		return "\n  the loop reported:\n  " + strings.Join(problems, "\n  ")
	}
	isFinished := func() bool {
		answer := make(chan bool, 1)
		if l.CallSoonThreadSafe(func() { answer <- finished }) != nil {
			return false
		}
		select {
		case f := <-answer:
			return f
		case <-ended:
			ended <- nil
			return finished // the loop has stopped: nothing writes it now
		case <-time.After(bound()):
			t.Fatalf("the loop did not answer within %v%s", bound(), explain())
			return false
		}
	}

	// Wait for the request to reach the server.
	for deadline := time.Now().Add(bound()); s.MaxInFlight() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) || isFinished() || explain() != "" {
			t.Fatalf("the request for the URL never reached the server (finished: %v)%s", isFinished(), explain())
		}
	}
	clock.Advance(timeout - time.Millisecond)
	for range 3 {
		if isFinished() {
			t.Fatalf("the fetch ended before its timeout of %v had passed on the loop's clock (it is at %v): %q%s",
				timeout, timeout-time.Millisecond, summarize(result), explain())
		}
	}
	clock.Advance(time.Millisecond)
	select {
	case err := <-ended:
		ended <- err
	case <-time.After(bound()):
		t.Fatalf("no result %v after the timeout of %v passed on the loop's clock: is each download inside a "+
			"loop timer's timeout (coroutines.Timeout)? A context.WithTimeout is a runtime timer, on a clock "+
			"the loop does not move%s", bound(), timeout, explain())
	}
	if len(result) != 1 || !errors.Is(result[0].Err, coroutines.ErrTimeout) {
		t.Fatalf("the URL that never answers: got %q, want an error wrapping coroutines.ErrTimeout%s", summarize(result), explain())
	}
}

// bound is how long a check waits for anything.
func bound() time.Duration { return steptest.Scale(3 * time.Second) }

// fetchOnLoop runs p.FetchAll in a coroutine on a loop of its own (on
// clock, or the real one if nil) until it returns, and returns its
// results. A problem the loop reports (a TODO panic) fails the test.
func fetchOnLoop(t *testing.T, p program, clock timers.Clock, urls []string, pool int, timeout time.Duration) []fetch.Result {
	t.Helper()
	var problems []string
	opts := []loop.Option{loop.WithErrorHandler(func(err error) { problems = append(problems, todo.Reported(err).Error()) })}
	if clock != nil {
		opts = append(opts, loop.WithClock(clock))
	}
	l, err := loop.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	hub := coroutines.NewHub(l)
	defer hub.Close()
	var results []fetch.Result
	co := hub.Spawn(func(ctx context.Context) error {
		results = p.FetchAll(ctx, urls, pool, timeout)
		return nil
	})
	if err := hub.RunUntil(co); err != nil && len(problems) == 0 {
		t.Errorf("running the fetch: %v", err)
	}
	if len(problems) > 0 {
		t.Errorf("the loop reported:\n  %s", strings.Join(problems, "\n  "))
	}
	return results
}

// summarize prints results for a comparison.
func summarize(rs []fetch.Result) []string {
	var out []string
	for _, r := range rs {
		if r.Err != nil {
			out = append(out, fmt.Sprintf("%s: error %v", r.URL, r.Err))
			continue
		}
		out = append(out, fmt.Sprintf("%s: %s", r.URL, r.Body))
	}
	return out
}
