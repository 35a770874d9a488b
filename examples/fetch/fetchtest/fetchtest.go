// Package fetchtest checks a fetch: that it keeps at most its pool's number
// of requests in flight and does reach that number (it overlaps them), that
// it returns every URL's body or error in the order of the list, and that a
// URL that fails or hangs costs only its own result. The servers it fetches
// from are local (fetch.LocalServer, on 127.0.0.1), made with Go's net/http.
package fetchtest

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/examples/fetch"
)

// A Fetcher fetches urls with at most pool in flight, giving each URL
// timeout, as a fetch.Fetch with a Config does.
type Fetcher func(pool int, timeout time.Duration, urls []string) []fetch.Result

// Run runs the fetch suite against f.
func Run(t *testing.T, f Fetcher) {
	tests := []struct {
		name string
		fn   func(*testing.T, Fetcher)
	}{
		{"PoolOf20", testPoolOf20},
		{"PoolOf1", testPoolOf1},
		{"FewerURLsThanPool", testFewerURLsThanPool},
		{"ErrorsPerURL", testErrorsPerURL},
		{"Timeout", testTimeout},
		{"NoURLs", testNoURLs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, f) })
	}
}

// Bound is how long a test may wait for anything: 20 s, times
// LOOPKIT_TIME_SCALE on a slow machine.
func Bound() time.Duration {
	scale, err := strconv.ParseFloat(os.Getenv("LOOPKIT_TIME_SCALE"), 64)
	if err != nil || scale <= 0 {
		scale = 1
	}
	return time.Duration(float64(20*time.Second) * scale)
}

// NewServer starts the server the suite fetches from (fetch.NewLocalServer):
// every answer waits delay.
func NewServer(delay time.Duration) *fetch.LocalServer { return fetch.NewLocalServer(delay) }

// testPoolOf20 is the talk's example: 100 URLs through a pool of 20. The
// server holds the requests until 20 are in flight, so the fetch passes
// only if it overlaps 20, and never more.
func testPoolOf20(t *testing.T, f Fetcher) {
	checkPool(t, f, 100, 20, 20)
}

func testPoolOf1(t *testing.T, f Fetcher) {
	checkPool(t, f, 5, 1, 1)
}

func testFewerURLsThanPool(t *testing.T, f Fetcher) {
	checkPool(t, f, 3, 20, 3)
}

// checkPool fetches n URLs with the pool, the server's gate at the number
// of requests that must overlap, and checks the results and the most in
// flight.
func checkPool(t *testing.T, f Fetcher, n, pool, overlap int) {
	t.Helper()
	s := NewServer(0)
	defer s.Close()
	s.SetGate(overlap)
	urls := make([]string, n)
	want := make([]result, n)
	for i := range urls {
		urls[i] = s.URLOf(fmt.Sprintf("/ok/%d", i))
		want[i] = result{URL: urls[i], Body: fmt.Sprintf("body of %d", i)}
	}
	got := f(pool, Bound(), urls)
	if diff := cmp.Diff(want, summarize(got)); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if got := s.MaxInFlight(); got != overlap {
		t.Errorf("the server saw at most %d requests in flight at once, want %d (%d URLs, pool of %d)", got, overlap, n, pool)
	}
}

// testErrorsPerURL mixes URLs that fail in every way with good ones: each
// gets its own error, in its place, and the good ones their bodies.
func testErrorsPerURL(t *testing.T, f Fetcher) {
	s := NewServer(0)
	defer s.Close()
	refused := refusedAddr(t)
	urls := []string{
		s.URLOf("/ok/a"),
		s.URLOf("/missing"),
		"http://" + refused + "/",
		"ftp://127.0.0.1/",
		"http://example.invalid/",
		s.URLOf("/ok/b"),
	}
	want := []result{
		{URL: urls[0], Body: "body of a"},
		{URL: urls[1], Err: "404 Not Found"},
		{URL: urls[2], Err: "refused"},
		{URL: urls[3], Err: "only http://"},
		{URL: urls[4], Err: "must be an IP address"},
		{URL: urls[5], Body: "body of b"},
	}
	got := summarize(f(3, Bound(), urls))
	for i := range got {
		if i < len(want) && want[i].Err != "" && strings.Contains(got[i].Err, want[i].Err) {
			got[i].Err = want[i].Err // the rest of the text differs by style
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

// testTimeout fetches a URL that never answers beside one that does: the
// first fails once its timeout passes, the second is not held up.
func testTimeout(t *testing.T, f Fetcher) {
	s := NewServer(0)
	defer s.Close()
	urls := []string{s.URLOf("/hang"), s.URLOf("/ok/x")}
	got := summarize(f(2, 200*time.Millisecond, urls))
	if len(got) != 2 {
		t.Fatalf("got %d results for 2 URLs", len(got))
	}
	if got[0].Err == "" {
		t.Errorf("the URL that never answers: got body %q, want a timeout error", got[0].Body)
	}
	if diff := cmp.Diff(result{URL: urls[1], Body: "body of x"}, got[1]); diff != "" {
		t.Errorf("the URL that answers (-want +got):\n%s", diff)
	}
}

func testNoURLs(t *testing.T, f Fetcher) {
	if got := f(20, Bound(), nil); len(got) != 0 {
		t.Errorf("fetching no URLs gave %d results", len(got))
	}
}

// result is a fetch.Result that cmp can compare and print.
type result struct {
	URL, Body, Err string
}

func summarize(rs []fetch.Result) []result {
	out := make([]result, len(rs))
	for i, r := range rs {
		out[i] = result{URL: r.URL, Body: string(r.Body)}
		if r.Err != nil {
			out[i] = result{URL: r.URL, Err: r.Err.Error()}
		}
	}
	return out
}

// refusedAddr returns a loopback address nothing listens on: a port just
// freed.
func refusedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
