package fetch

import (
	"fmt"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/loop"
)

// onLoop makes a loop as cfg says (with its Hooks), lets start queue the
// work on it, runs it until nothing is left to wait for, and closes it: the
// whole life of a loop style's fetch. start may return a function to call
// once the loop has run, before it is closed. Errors of the loop go to
// cfg.OnError.
func onLoop(cfg Config, start func(l *loop.Loop) (after func())) {
	report := examples.OrPrint(cfg.OnError)
	l, err := cfg.NewLoop(cfg.Backend, report)
	if err != nil {
		report(err)
		return
	}
	after := start(l)
	if err := l.Run(); err != nil {
		report(err)
	}
	if after != nil {
		after()
	}
	if err := l.Close(); err != nil {
		report(err)
	}
}

// unfinished fills in the results a fetch left empty, which only a broken
// loop leaves: every URL gets a result, even then.
func unfinished(results []Result, urls []string) {
	for i := range results {
		if results[i].URL == "" {
			results[i] = Result{URL: urls[i], Err: fmt.Errorf("fetch: %s: the loop ended before it was fetched", urls[i])}
		}
	}
}
