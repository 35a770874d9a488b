package watch

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/loopkit/loopkit/internal/testutil"
)

// bound is how long a test waits for what must come: generous, and
// multiplied by LOOPKIT_TIME_SCALE on a slow machine.
func bound() time.Duration { return testutil.Scale(10 * time.Second) }

// listen starts a watcher on loopback, closed when the test or benchmark
// ends.
func listen(tb testing.TB) *Watcher {
	tb.Helper()
	w, err := Listen("127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := w.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return w
}

// A stream is a page's stream of updates, read by Go's net/http client:
// the independent peer.
type stream struct {
	t       *testing.T
	updates chan update
}

// openStream opens the watcher's event stream, closed when the test ends.
func openStream(t *testing.T, w *Watcher) *stream {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{}}
	resp, err := client.Get(w.URL() + "events")
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/event-stream" {
		t.Fatalf("GET /events: Content-Type %q, want text/event-stream", got)
	}
	s := &stream{t: t, updates: make(chan update, 1000)}
	done := make(chan struct{})
	go s.read(resp, done)
	t.Cleanup(func() {
		resp.Body.Close()
		<-done
		client.CloseIdleConnections()
	})
	return s
}

func (s *stream) read(resp *http.Response, done chan struct{}) {
	defer close(done)
	defer close(s.updates)
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(nil, 1<<20)
	for lines.Scan() {
		data, ok := strings.CutPrefix(lines.Text(), "data: ")
		if !ok {
			continue
		}
		var u update
		if err := json.Unmarshal([]byte(data), &u); err != nil {
			s.t.Errorf("an update that is not JSON: %v: %s", err, data)
			return
		}
		s.updates <- u
	}
}

// waitFor returns the first update that satisfies ok, and the rows of
// every update up to it.
func (s *stream) waitFor(what string, ok func(update) bool) (update, []row) {
	s.t.Helper()
	var rows []row
	deadline := time.After(bound())
	for {
		select {
		case u, open := <-s.updates:
			if !open {
				s.t.Fatalf("the stream ended before %s", what)
			}
			rows = append(rows, u.Rows...)
			if ok(u) {
				return u, rows
			}
		case <-deadline:
			s.t.Fatalf("no update with %s after %v", what, bound())
		}
	}
}
