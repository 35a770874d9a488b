// Package fetch is the talk's second example in every style: "100 web
// requests in parallel through a pool of 20". Fetch a list of URLs with at
// most Pool requests in flight at once, and return every body, or the error
// that kept it, in the order of the list.
//
// It is the client side of the story: where echo and chat wait for many
// clients, fetch waits for many servers. Each style is one file with one
// function (FetchGoroutines, FetchCallbacks, FetchProtocol,
// FetchCoroutines), registered in Styles. The HTTP itself (checking a URL,
// the request's bytes, reading the response) is in internal/httpget, the
// same for the loop styles; fetchtest.Run is the behaviour every style
// passes, on every backend.
package fetch

import (
	"fmt"
	"time"

	"github.com/loopkit/loopkit/examples"
)

// Config says how a fetch runs.
type Config struct {
	// Backend is the poller of the loop: one of loop.Backends(), or "" for
	// the default. The goroutines style has no loop and ignores it.
	Backend string
	// Pool is the most requests in flight at once; less than 1 means 1.
	Pool int
	// Timeout bounds each URL, from the connect to the last byte; 0 means
	// DefaultTimeout. A URL that takes longer gets an error.
	Timeout time.Duration
	// OnError receives the errors of the loop that no URL's result can
	// carry (a panic in a callback); nil prints them to standard error.
	OnError func(error)
	// Hooks shape the loop and hub the fetch makes (see examples.Hooks).
	// The goroutines style makes neither and ignores them.
	examples.Hooks
}

// DefaultTimeout is the Timeout of a Config that gives none.
const DefaultTimeout = 10 * time.Second

// A Result is what became of one URL: its body, or the error that kept it.
type Result struct {
	URL  string
	Body []byte
	Err  error
}

// Fetch fetches urls as cfg says and returns one Result per URL, in the
// order of urls. It returns when every URL has its result.
type Fetch func(cfg Config, urls []string) []Result

// Styles lists the fetch in every style.
var Styles = examples.Styles[Fetch]{
	{Name: "goroutines", Start: FetchGoroutines},
	{Name: "callbacks", Start: FetchCallbacks},
	{Name: "protocol", Start: FetchProtocol},
	{Name: "coroutines", Start: FetchCoroutines},
}

func (cfg Config) pool() int { return max(cfg.Pool, 1) }

func (cfg Config) timeout() time.Duration {
	if cfg.Timeout <= 0 {
		return DefaultTimeout
	}
	return cfg.Timeout
}

// unfinished fills in the results a fetch left empty, which only a broken
// loop leaves, and returns them: every URL gets a result, even then. err,
// the loop's, if any, goes to OnError.
func (cfg Config) unfinished(results []Result, urls []string, err error) []Result {
	if err != nil {
		examples.OrPrint(cfg.OnError)(err)
	}
	for i := range results {
		if results[i].URL == "" {
			results[i] = Result{URL: urls[i], Err: fmt.Errorf("fetch: %s: the loop ended before it was fetched", urls[i])}
		}
	}
	return results
}
