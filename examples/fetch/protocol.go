package fetch

import (
	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/httpget"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// FetchProtocol fetches in the style of protocol objects (package
// protocol): each URL is an httpGetProtocol, whose methods the transport
// calls (made: send the request; data: collect; lost: parse), and the pool
// is a counter, as in FetchCallbacks: the first Pool URLs start at once,
// and each URL that finishes starts the next. It makes the loop, starts the
// first URLs, and runs the loop until every URL is done.
func FetchProtocol(cfg Config, urls []string) []Result {
	f := &protocolFetch{cfg: cfg, urls: urls, results: make([]Result, len(urls))}
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

// protocolFetch is one fetch of a list of URLs. Only the loop goroutine
// touches it.
type protocolFetch struct {
	loop    *loop.Loop
	cfg     Config
	urls    []string
	results []Result
	next    int // the index of the next URL to start
}

// httpGetProtocol is the fetch of one URL, as a protocol object.
type httpGetProtocol struct {
	fetch     *protocolFetch
	index     int
	target    httpget.Target
	transport protocol.Transport // set by ConnectionMade
	response  []byte
	timer     *timers.Timer // the timeout
	done      bool          // the result is in: later calls do nothing
}

// startNext starts the next URL, if one is left.
func (f *protocolFetch) startNext() {
	if f.next == len(f.urls) {
		return
	}
	p := &httpGetProtocol{fetch: f, index: f.next}
	f.next++
	target, err := httpget.Parse(f.urls[p.index])
	if err != nil {
		f.loop.CallSoon(func() { p.finish(nil, err) })
		return
	}
	p.target = target
	p.timer = f.loop.CallLater(f.cfg.timeout(), p.timedOut)
	protocol.Connect(f.loop, target.Addr, p, p.connectFailed)
}

// connectFailed is Connect's done: an error means no connection, and so
// no ConnectionLost to come.
func (p *httpGetProtocol) connectFailed(err error) {
	if err != nil {
		p.finish(nil, err)
	}
}

// ConnectionMade sends the request (or hangs up, if the URL timed out
// while connecting).
func (p *httpGetProtocol) ConnectionMade(t protocol.Transport) {
	p.transport = t
	if p.done {
		t.Abort()
		return
	}
	t.Write(p.target.Request())
}

// DataReceived collects the response.
func (p *httpGetProtocol) DataReceived(data []byte) {
	if len(p.response)+len(data) > httpget.MaxResponse {
		p.transport.Abort()
		p.finish(nil, httpget.ErrTooLarge)
		return
	}
	p.response = append(p.response, data...)
}

// EOFReceived: the response is whole; let the transport close.
func (p *httpGetProtocol) EOFReceived() (keepOpen bool) { return false }

// ConnectionLost parses what came, or passes the error on.
func (p *httpGetProtocol) ConnectionLost(err error) {
	if err != nil {
		p.finish(nil, err)
		return
	}
	p.finish(p.target.Body(p.response))
}

// timedOut is the timer's callback: give up on the URL.
func (p *httpGetProtocol) timedOut() {
	p.finish(nil, httpget.TimeoutError(p.target.URL, p.fetch.cfg.timeout()))
	if p.transport != nil {
		p.transport.Abort()
	}
}

// finish records the URL's result, once, and starts the next URL in its
// place.
func (p *httpGetProtocol) finish(body []byte, err error) {
	if p.done {
		return
	}
	p.done = true
	if p.timer != nil {
		p.timer.Cancel()
	}
	p.fetch.results[p.index] = Result{URL: p.fetch.urls[p.index], Body: body, Err: err}
	p.fetch.startNext()
}
