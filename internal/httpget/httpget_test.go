package httpget

import (
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		url  string
		want Target
		err  string
	}{
		{url: "http://127.0.0.1:8080/a?b=c", want: Target{URL: "http://127.0.0.1:8080/a?b=c", Addr: "127.0.0.1:8080", Host: "127.0.0.1:8080", Path: "/a?b=c"}},
		{url: "http://localhost", want: Target{URL: "http://localhost", Addr: "localhost:80", Host: "localhost", Path: "/"}},
		{url: "http://[::1]:9/x", want: Target{URL: "http://[::1]:9/x", Addr: "[::1]:9", Host: "[::1]:9", Path: "/x"}},
		{url: "https://127.0.0.1/", err: "only http://"},
		{url: "http://example.com/", err: "must be an IP address"},
		{url: "http:///nohost", err: "no host"},
		{url: "http://127.0.0.1:x/", err: "invalid port"},
	}
	for _, tt := range tests {
		got, err := Parse(tt.url)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("Parse(%q) error = %v, want one containing %q", tt.url, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("Parse(%q): %v", tt.url, err)
		case tt.err == "":
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.url, diff)
			}
		}
	}
}

func TestRequest(t *testing.T) {
	tg, err := Parse("http://127.0.0.1:80/p")
	if err != nil {
		t.Fatal(err)
	}
	want := "GET /p HTTP/1.0\r\nHost: 127.0.0.1:80\r\nUser-Agent: loopkit-fetch\r\nConnection: close\r\n\r\n"
	if diff := cmp.Diff(want, string(tg.Request())); diff != "" {
		t.Errorf("Request (-want +got):\n%s", diff)
	}
}

func TestBody(t *testing.T) {
	tests := []struct {
		name, raw, body, err string
	}{
		{"length", "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello", "hello", ""},
		{"to the end", "HTTP/1.0 200 OK\r\n\r\nhello, all", "hello, all", ""},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "abc", ""},
		{"not found", "HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n", "", "404 Not Found"},
		{"cut short", "HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nhel", "", "cut short"},
		{"garbage", "SSH-2.0-OpenSSH\r\n", "", "bad response"},
		{"nothing", "", "", "bad response"},
	}
	tg := Target{URL: "http://127.0.0.1/x"}
	for _, tt := range tests {
		body, err := tg.Body([]byte(tt.raw))
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: error = %v, want one containing %q", tt.name, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case string(body) != tt.body:
			t.Errorf("%s: body = %q, want %q", tt.name, body, tt.body)
		}
	}
}

// TestResponse: a response of any status comes back whole, its body in
// memory; one that cannot be read is the error Body gives.
func TestResponse(t *testing.T) {
	tests := []struct {
		name, raw string
		want      response
		err       string
	}{
		{name: "ok", raw: "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello", want: response{"200 OK", "hello"}},
		{name: "not found", raw: "HTTP/1.0 404 Not Found\r\n\r\nno such page", want: response{"404 Not Found", "no such page"}},
		{name: "cut short", raw: "HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nhel", err: "cut short"},
	}
	tg := Target{URL: "http://127.0.0.1/x"}
	for _, tt := range tests {
		resp, err := tg.Response([]byte(tt.raw))
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: error = %v, want one containing %q", tt.name, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.err == "":
			body, _ := io.ReadAll(resp.Body)
			if diff := cmp.Diff(tt.want, response{resp.Status, string(body)}); diff != "" {
				t.Errorf("%s: (-want +got):\n%s", tt.name, diff)
			}
		}
	}
}

// A response is what a test compares of an *http.Response.
type response struct {
	Status, Body string
}
