package fetch

import (
	"context"
	"io"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/httpget"
	"github.com/loopkit/loopkit/loop"
)

// FetchCoroutines fetches in the style of coroutines (package coroutines),
// as the talk does: a Pool of Pool coroutines and Map, gevent's
// pool.map(download, urls). Each URL is fetched by code that reads like
// blocking code (dial, write the request, read to the end) on a kit
// connection, inside a Timeout.
//
// Why a kit connection and not net/http over one (through Conn.NetConn):
// net/http's Transport reads and writes from goroutines of its own, so every
// call would cross from a goroutine to the loop and back, and the talk's
// point, that the code in the coroutine is the whole story, would be lost in
// Transport's machinery.
//
// It makes the loop and its hub, spawns the coroutine of the fetch, and
// runs the loop until every URL is done.
func FetchCoroutines(cfg Config, urls []string) []Result {
	results := make([]Result, len(urls))
	l, err := loop.New(cfg.Options(cfg.Backend, cfg.OnError)...)
	if err != nil {
		return cfg.unfinished(results, urls, err)
	}
	defer l.Close()
	hub := coroutines.NewHub(l)
	cfg.Made(l, hub) // for the Hooks: trace draws the loop and the hub
	hub.Spawn(func(ctx context.Context) error {
		pool := coroutines.NewPool(cfg.pool())
		got, err := coroutines.Map(ctx, pool, urls, func(ctx context.Context, url string) (Result, error) {
			return getCoroutines(ctx, cfg, url), nil
		})
		copy(results, got)
		return err
	})
	err = l.Run()
	hub.Close()
	return cfg.unfinished(results, urls, err)
}

// getCoroutines fetches one URL: check it, connect, send the request, read
// the response to its end, parse it; all within the timeout.
func getCoroutines(ctx context.Context, cfg Config, url string) Result {
	target, err := httpget.Parse(url)
	if err != nil {
		return Result{URL: url, Err: err}
	}
	var body []byte
	err = coroutines.Timeout(ctx, cfg.timeout(), func(ctx context.Context) error {
		conn, err := coroutines.Dial(ctx, target.Addr)
		if err != nil {
			return err
		}
		defer conn.Close()
		sock := conn.Bind(ctx)
		if _, err := sock.Write(target.Request()); err != nil {
			return err
		}
		raw, err := io.ReadAll(io.LimitReader(sock, httpget.MaxResponse+1))
		if err != nil {
			return err
		}
		if len(raw) > httpget.MaxResponse {
			return httpget.ErrTooLarge
		}
		body, err = target.Body(raw)
		return err
	})
	return Result{URL: url, Body: body, Err: err}
}
