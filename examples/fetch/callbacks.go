package fetch

import (
	"io"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/httpget"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// FetchCallbacks fetches in the style of raw callbacks (package callbacks):
// each URL is a chain of callbacks (connected, then read, then finish), and
// the pool is a counter: the first Pool URLs start at once, and the callback
// that finishes one URL starts the next. It makes the loop, starts the
// first URLs, and runs the loop until every URL is done.
func FetchCallbacks(cfg Config, urls []string) []Result {
	f := &callbacksFetch{cfg: cfg, urls: urls, results: make([]Result, len(urls))}
	l, err := loop.New(cfg.Options(cfg.Backend, cfg.OnError)...)
	if err != nil {
		return cfg.unfinished(f.results, urls, err)
	}
	defer l.Close()
	cfg.Made(l, nil) // for the Hooks: trace draws the loop
	f.loop = l
	for range min(cfg.pool(), len(urls)) {
		f.startNext()
	}
	return cfg.unfinished(f.results, urls, l.Run())
}

// callbacksFetch is one fetch of a list of URLs. Only the loop goroutine
// touches it.
type callbacksFetch struct {
	loop    *loop.Loop
	cfg     Config
	urls    []string
	results []Result
	next    int // the index of the next URL to start
}

// callbacksGet is the fetch of one URL: the state its callbacks share.
type callbacksGet struct {
	fetch    *callbacksFetch
	index    int
	target   httpget.Target
	conn     *callbacks.Conn // set once connected
	response []byte
	timer    *timers.Timer // the timeout
	done     bool          // the result is in: later callbacks do nothing
}

// startNext starts the next URL, if one is left.
func (f *callbacksFetch) startNext() {
	if f.next == len(f.urls) {
		return
	}
	g := &callbacksGet{fetch: f, index: f.next}
	f.next++
	target, err := httpget.Parse(f.urls[g.index])
	if err != nil {
		f.loop.CallSoon(func() { g.finish(nil, err) })
		return
	}
	g.target = target
	g.timer = f.loop.CallLater(f.cfg.timeout(), g.timedOut)
	callbacks.Dial(f.loop, target.Addr, g.connected)
}

// connected is called when the connection is made (or failed): it sends the
// request and sets the read callback.
func (g *callbacksGet) connected(c *callbacks.Conn, err error) {
	switch {
	case g.done && c != nil:
		c.Close() // it timed out while connecting
	case g.done:
	case err != nil:
		g.finish(nil, err)
	default:
		g.conn = c
		c.OnRead(g.read)
		c.Write(g.target.Request(), nil)
	}
}

// read collects the response until the server closes, then parses it.
func (g *callbacksGet) read(data []byte, err error) {
	switch {
	case err == io.EOF:
		g.conn.Close()
		g.finish(g.target.Body(g.response))
	case err != nil:
		g.finish(nil, err)
	case len(g.response)+len(data) > httpget.MaxResponse:
		g.conn.Abort()
		g.finish(nil, httpget.ErrTooLarge)
	default:
		g.response = append(g.response, data...)
	}
}

// timedOut is the timer's callback: give up on the URL.
func (g *callbacksGet) timedOut() {
	if g.conn != nil {
		g.conn.Abort()
	}
	g.finish(nil, httpget.TimeoutError(g.target.URL, g.fetch.cfg.timeout()))
}

// finish records the URL's result, once, and starts the next URL in its
// place.
func (g *callbacksGet) finish(body []byte, err error) {
	if g.done {
		return
	}
	g.done = true
	if g.timer != nil {
		g.timer.Cancel()
	}
	g.fetch.results[g.index] = Result{URL: g.fetch.urls[g.index], Body: body, Err: err}
	g.fetch.startNext()
}
