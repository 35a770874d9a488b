// Package httpget is the kit's one HTTP client, the part that is not a
// style: it checks a URL, writes the request, and reads the response once
// the whole of it has arrived. The styles in examples/fetch, and
// callbacks.Get, do the waiting (connect, write, read until the server
// closes) each in its own way.
//
// It speaks HTTP/1.0 with "Connection: close", the simplest HTTP there is:
// one request per connection, and the response ends where the stream ends,
// so a client needs no framing while it reads. Production clients keep
// connections open and parse as bytes arrive (net/http's Transport).
//
// Where not to add things: nothing here waits. A host must be an IP address
// (or localhost): looking a name up is a blocking call the loop could not
// wait for (asyncio runs getaddrinfo on a thread pool for that reason).
package httpget

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/loopkit/loopkit/internal/sock"
)

// MaxResponse is the largest response, headers included, a fetch accepts:
// a bound on what one URL may cost in memory.
const MaxResponse = 8 << 20

// A Target is a URL checked and split into what a fetch needs.
type Target struct {
	URL  string // as given
	Addr string // "ip:port" to connect to
	Host string // the Host header
	Path string // path and query, "/" at least
}

// Parse checks that rawURL is an http URL whose host is an IP address or
// localhost, and returns its Target.
func Parse(rawURL string) (Target, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return Target{}, fmt.Errorf("httpget: %w", err)
	}
	if u.Scheme != "http" {
		return Target{}, fmt.Errorf("httpget: %q: only http:// URLs are fetched", rawURL)
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	if u.Hostname() == "" {
		return Target{}, fmt.Errorf("httpget: %q: no host", rawURL)
	}
	addr := net.JoinHostPort(u.Hostname(), port)
	if _, err := sock.ParseAddr(addr); err != nil {
		return Target{}, fmt.Errorf("httpget: %q: %w", rawURL, err)
	}
	return Target{URL: rawURL, Addr: addr, Host: u.Host, Path: u.RequestURI()}, nil
}

// Request returns the bytes of the GET request for t.
func (t Target) Request() []byte {
	return fmt.Appendf(nil, "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: loopkit-fetch\r\nConnection: close\r\n\r\n", t.Path, t.Host)
}

// ErrTooLarge is the error of a response longer than MaxResponse.
var ErrTooLarge = fmt.Errorf("httpget: response longer than %d bytes", MaxResponse)

// Body parses raw, a whole response (everything the server sent before it
// closed), and returns its body. A status other than 200 is an error that
// names the URL and the status; so is a response cut short.
func (t Target) Body(raw []byte) ([]byte, error) {
	resp, body, err := t.parse(raw)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, StatusError(t.URL, resp.Status)
	}
	return body, nil
}

// Response parses raw, a whole response, as Body does, and returns it
// whatever its status, with its Body read into memory already: reading it
// cannot block.
func (t Target) Response(raw []byte) (*http.Response, error) {
	resp, body, err := t.parse(raw)
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// parse reads the response and its body from raw: all in memory, so
// nothing here waits.
func (t Target) parse(raw []byte) (*http.Response, []byte, error) {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("httpget: GET %s: bad response: %w", t.URL, err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("response cut short: %w", err)
		}
		return nil, nil, fmt.Errorf("httpget: GET %s: %w", t.URL, err)
	}
	return resp, body, nil
}

// TimeoutError is the error of a URL that did not answer in full within d.
// errors.Is finds os.ErrDeadlineExceeded in it, as in the error of a net.Conn
// whose deadline passed.
func TimeoutError(url string, d time.Duration) error {
	return fmt.Errorf("httpget: GET %s: no complete answer within %v: %w", url, d, os.ErrDeadlineExceeded)
}

// StatusError is the error of a response whose status is not 200 OK, such
// as "404 Not Found": the same text for every style.
func StatusError(url, status string) error {
	return fmt.Errorf("httpget: GET %s: %s", url, status)
}
