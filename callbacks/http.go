package callbacks

import (
	"fmt"
	"io"
	"net/http"

	"github.com/loopkit/loopkit/internal/httpget"
	"github.com/loopkit/loopkit/loop"
)

// Get fetches an http:// URL with one GET request on a connection of its
// own, and calls fn from the loop with the response, whose Body is already
// read into memory, or with the error that stopped it. The host must be an
// IP address or localhost: a name lookup would block the loop.
//
// It is the callback style's http.get(url, handleResponse), small on
// purpose: no https, no redirects, no keep-alive, no timeout. The HTTP is
// package httpget's, the one every fetch of the kit speaks (HTTP/1.0 with
// Connection: close, so the response ends where the stream ends); the
// bytes travel through a Conn. Read it as a chain of callbacks: Dial's
// callback writes the request and sets the read callback, which collects
// bytes until end of file, then parses them and calls fn.
func Get(l *loop.Loop, rawURL string, fn func(*http.Response, error)) {
	target, err := httpget.Parse(rawURL)
	if err != nil {
		l.CallSoon(func() { fn(nil, err) })
		return
	}
	Dial(l, target.Addr, func(c *Conn, err error) {
		if err != nil {
			fn(nil, fmt.Errorf("callbacks: Get %s: %w", rawURL, err))
			return
		}
		g := &getter{conn: c, target: target, fn: fn}
		c.OnRead(g.read)
		c.Write(target.Request(), nil)
	})
}

// A getter collects one response.
type getter struct {
	conn     *Conn
	target   httpget.Target
	fn       func(*http.Response, error)
	response []byte
}

// read is the read callback of the connection: it copies each chunk (data
// is a read buffer, reused after the call), and at end of file closes the
// connection and parses what it got.
func (g *getter) read(data []byte, err error) {
	switch {
	case err == io.EOF:
		g.conn.Close()
		g.fn(g.target.Response(g.response))
	case err != nil:
		g.fn(nil, fmt.Errorf("callbacks: Get %s: %w", g.target.URL, err))
	case len(g.response)+len(data) > httpget.MaxResponse:
		g.conn.Abort()
		g.fn(nil, fmt.Errorf("callbacks: Get %s: %w", g.target.URL, httpget.ErrTooLarge))
	default:
		g.response = append(g.response, data...)
	}
}
