package fetch_test

import (
	"testing"
	"time"

	"github.com/loopkit/loopkit/examples/fetch"
	"github.com/loopkit/loopkit/examples/fetch/fetchtest"
	"github.com/loopkit/loopkit/examples/internal/styletest"
)

// TestFetch runs the fetch suite on every style, each loop style on every
// backend.
func TestFetch(t *testing.T) {
	for _, style := range fetch.Styles {
		styletest.ForEachBackend(t, style.Name, func(t *testing.T, backend string) {
			fetchtest.Run(t, func(pool int, timeout time.Duration, urls []string) []fetch.Result {
				cfg := fetch.Config{Backend: backend, Pool: pool, Timeout: timeout, OnError: styletest.Config(t, backend).OnError}
				return style.Start(cfg, urls)
			})
		})
	}
}
