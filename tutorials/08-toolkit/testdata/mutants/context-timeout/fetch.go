package toolkit

import (
	"context"
	"io"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/examples/fetch"
	"github.com/loopkit/loopkit/internal/httpget"
)

// FetchAll fetches urls with at most pool requests in flight, each within
// timeout on the loop's clock, and returns one result per URL, in the
// order of urls: the talk's
//
//	pool = Pool(20)
//	pool.map(download, urls)
//
// with a gevent Timeout around each download. It runs in the coroutine of
// ctx, and returns when every URL has its result.
func FetchAll(ctx context.Context, urls []string, pool int, timeout time.Duration) []fetch.Result {
	results, _ := coroutines.Map(ctx, coroutines.NewPool(pool), urls, func(ctx context.Context, url string) (fetch.Result, error) {
		var body []byte
		tctx, cancel := context.WithTimeout(ctx, timeout) // the mistake: a runtime timer, not the loop's
		defer cancel()
		body, err := download(tctx, url)
		return fetch.Result{URL: url, Body: body, Err: err}, nil
	})
	return results
}

// download fetches one URL in the coroutine of ctx, the talk's
// urllib2.urlopen(url).read(): connect, send the request, read to the end,
// parse. Code written for net.Conn (io.ReadAll here) runs on the loop
// through Conn.Bind.
func download(ctx context.Context, url string) ([]byte, error) {
	target, err := httpget.Parse(url)
	if err != nil {
		return nil, err
	}
	conn, err := coroutines.Dial(ctx, target.Addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	sock := conn.Bind(ctx)
	if _, err := sock.Write(target.Request()); err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(io.LimitReader(sock, httpget.MaxResponse+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > httpget.MaxResponse {
		return nil, httpget.ErrTooLarge
	}
	return target.Body(raw)
}
