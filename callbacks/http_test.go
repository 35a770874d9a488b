package callbacks_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestGet fetches from a net/http server: a plain body, a flushed one (no
// Content-Length is known: the body ends where the stream ends), and a 404.
func TestGet(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/beer", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%d beers, connection %s", 99, r.Header.Get("Connection"))
	})
	mux.HandleFunc("/flushed", func(w http.ResponseWriter, r *http.Request) {
		for i := range 3 {
			fmt.Fprintf(w, "chunk %d;", i)
			w.(http.Flusher).Flush()
		}
	})
	tests := []struct {
		path       string
		wantStatus int
		wantBody   string
	}{
		{"/api/beer", 200, "99 beers, connection close"},
		{"/flushed", 200, "chunk 0;chunk 1;chunk 2;"},
		{"/nothing", 404, "404 page not found\n"},
	}
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		server := httptest.NewServer(mux)
		defer server.Close()
		l, _ := testutil.NewLoop(t, backend)
		type result struct {
			Status int
			Body   string
		}
		got := map[string]result{}
		for _, tt := range tests {
			callbacks.Get(l, server.URL+tt.path, func(resp *http.Response, err error) {
				if err != nil {
					t.Errorf("Get %s: %v", tt.path, err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				got[tt.path] = result{resp.StatusCode, string(body)}
			})
		}
		testutil.Run(t, l, 10*time.Second)
		want := map[string]result{}
		for _, tt := range tests {
			want[tt.path] = result{tt.wantStatus, tt.wantBody}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("responses (-want +got):\n%s", diff)
		}
	})
}

// TestGetErrors: URLs Get refuses, and a server that is not there.
func TestGetErrors(t *testing.T) {
	closed := "http://" + testutil.ClosedPort(t) + "/"
	tests := []struct {
		url  string
		want func(error) bool
	}{
		{"https://127.0.0.1/", func(err error) bool { return strings.Contains(err.Error(), `only http:// URLs`) }},
		{"http://example.com/", func(err error) bool { return strings.Contains(err.Error(), "names are not looked up") }},
		{closed, func(err error) bool {
			return errors.Is(err, unix.ECONNREFUSED) && strings.Contains(err.Error(), closed)
		}},
	}
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		got := map[string]string{}
		for _, tt := range tests {
			callbacks.Get(l, tt.url, func(resp *http.Response, err error) {
				switch {
				case err == nil:
					got[tt.url] = "no error"
				case tt.want(err):
					got[tt.url] = "expected error"
				default:
					got[tt.url] = err.Error()
				}
			})
		}
		testutil.Run(t, l, 10*time.Second)
		want := map[string]string{}
		for _, tt := range tests {
			want[tt.url] = "expected error"
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("errors by URL (-want +got):\n%s", diff)
		}
	})
}
