package fetch

import (
	"io"
	"net/http"
	"sync"

	"github.com/loopkit/loopkit/internal/httpget"
)

// FetchGoroutines fetches on Go's net/http: a goroutine per URL, and a
// channel of Pool slots as the semaphore that keeps at most Pool of them
// in flight (gevent's Pool(20) is the same: a semaphore in front of spawn).
func FetchGoroutines(cfg Config, urls []string) []Result {
	client := &http.Client{
		Timeout: cfg.timeout(),
		// One connection per request, as the other styles (HTTP/1.0):
		// keeping connections alive would make this style do less work.
		Transport: &http.Transport{DisableKeepAlives: true},
	}
	results := make([]Result, len(urls))
	pool := make(chan struct{}, cfg.pool())
	var all sync.WaitGroup
	for i, url := range urls {
		pool <- struct{}{} // wait for a free slot, as Pool.spawn does
		all.Go(func() {
			defer func() { <-pool }()
			results[i] = getGoroutines(client, url)
		})
	}
	all.Wait()
	return results
}

// getGoroutines fetches one URL: check it, GET it, read the body.
func getGoroutines(client *http.Client, url string) Result {
	if _, err := httpget.Parse(url); err != nil {
		return Result{URL: url, Err: err}
	}
	resp, err := client.Get(url)
	if err != nil {
		return Result{URL: url, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Result{URL: url, Err: httpget.StatusError(url, resp.Status)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, httpget.MaxResponse+1))
	if err == nil && len(body) > httpget.MaxResponse {
		err = httpget.ErrTooLarge
	}
	if err != nil {
		return Result{URL: url, Err: err}
	}
	return Result{URL: url, Body: body}
}
