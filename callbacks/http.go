package callbacks

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"

	"github.com/loopkit/loopkit/loop"
)

// maxResponse bounds the size of a response Get collects: a server that
// sends more is cut off with an error rather than filling memory.
const maxResponse = 16 << 20

// Get fetches an http:// URL with one HTTP/1.1 GET request on a connection
// of its own (Connection: close), and calls fn from the loop with the
// response, whose Body is already read into memory, or with the error that
// stopped it. The host must be an IP address or localhost: a name lookup
// would block the loop.
//
// It is the callback style's http.get(url, handleResponse), small on
// purpose: no https, no redirects, no keep-alive, no timeout. Package
// net/http is used only for its types and its parsers (Request.Write,
// ReadResponse); the bytes travel through a Conn. Read it as a chain of
// callbacks: Dial's callback writes the request and sets the read
// callback, which collects bytes until end of file, then parses them and
// calls fn.
func Get(l *loop.Loop, rawURL string, fn func(*http.Response, error)) {
	req, addr, err := newGetRequest(rawURL)
	if err != nil {
		l.CallSoon(func() { fn(nil, err) })
		return
	}
	var request bytes.Buffer
	if err := req.Write(&request); err != nil {
		l.CallSoon(func() { fn(nil, fmt.Errorf("callbacks: Get %s: %w", rawURL, err)) })
		return
	}
	Dial(l, addr, func(c *Conn, err error) {
		if err != nil {
			fn(nil, fmt.Errorf("callbacks: Get %s: %w", rawURL, err))
			return
		}
		g := &getter{conn: c, req: req, url: rawURL, fn: fn}
		c.OnRead(g.read)
		c.Write(request.Bytes(), nil)
	})
}

// newGetRequest checks the URL and returns the request and the address to
// dial.
func newGetRequest(rawURL string) (*http.Request, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, "", fmt.Errorf("callbacks: Get: %w", err)
	}
	if u.Scheme != "http" {
		return nil, "", fmt.Errorf("callbacks: Get %s: only http:// URLs are supported, not %q", rawURL, u.Scheme)
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, "", fmt.Errorf("callbacks: Get: %w", err)
	}
	req.Close = true // Connection: close, so the end of the response is end of file
	req.Header.Set("User-Agent", "loopkit")
	return req, net.JoinHostPort(u.Hostname(), port), nil
}

// A getter collects one response.
type getter struct {
	conn     *Conn
	req      *http.Request
	url      string
	fn       func(*http.Response, error)
	response []byte
}

// read is the read callback of the connection: it copies each chunk (data
// is the loop's buffer, reused after the call), and at end of file closes
// the connection and parses what it got.
func (g *getter) read(data []byte, err error) {
	switch {
	case err == io.EOF:
		g.conn.Close()
		g.fn(g.parse())
	case err != nil:
		g.fn(nil, fmt.Errorf("callbacks: Get %s: %w", g.url, err))
	case len(g.response)+len(data) > maxResponse:
		g.conn.Abort()
		g.fn(nil, fmt.Errorf("callbacks: Get %s: response larger than %d bytes", g.url, maxResponse))
	default:
		g.response = append(g.response, data...)
	}
}

// parse reads the response and its body from the collected bytes: all in
// memory, so nothing here can block.
func (g *getter) parse() (*http.Response, error) {
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(g.response)), g.req)
	if err != nil {
		return nil, fmt.Errorf("callbacks: Get %s: malformed response: %w", g.url, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("callbacks: Get %s: reading the body: %w", g.url, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
