package watch

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/examples/echo"
	"github.com/loopkit/loopkit/loop"
)

// BenchmarkEchoIdleWatcher measures what a watcher with no page open costs
// a server: echo round trips per second (rt/s), 64 bytes, one at a time
// over one connection from Go's net, to the echo of package examples in
// the callbacks and coroutines styles. Three servers run at once: one
// with a watcher attached (observer of the loop and of the hub) but no
// page open, and two without, the second only to show how far apart two
// servers that differ in nothing come out. They take turns, a block of
// round trips each, so that what else the machine does weighs on all
// alike. It reports each one's rate, the watched server's as a percentage
// of the first unwatched one's (idle/none-%), and the second unwatched
// server's likewise (none2/none-%): the noise that percentage lies in.
//
//	go test -run '^$' -bench EchoIdleWatcher -benchtime 60000x -count 5 ./watch
func BenchmarkEchoIdleWatcher(b *testing.B) {
	for _, style := range []string{"callbacks", "coroutines"} {
		b.Run(style, func(b *testing.B) {
			conns := []net.Conn{
				dial(b, startEcho(b, style, false)),
				dial(b, startEcho(b, style, true)),
				dial(b, startEcho(b, style, false)),
			}
			var took [3]time.Duration
			var trips [3]int
			msg, got := make([]byte, 64), make([]byte, 64)
			for i := 0; b.Loop(); i++ {
				// Each b.Loop iteration is one round trip, on the
				// servers in turn, a block of turn each.
				which := i / turn % len(conns)
				start := time.Now()
				if _, err := conns[which].Write(msg); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(conns[which], got); err != nil {
					b.Fatal(err)
				}
				took[which] += time.Since(start)
				trips[which]++
			}
			var rate [3]float64
			for i := range rate {
				rate[i] = float64(trips[i]) / took[i].Seconds()
			}
			b.ReportMetric(rate[0], "rt/s-none")
			b.ReportMetric(rate[1], "rt/s-idle")
			b.ReportMetric(rate[2], "rt/s-none2")
			b.ReportMetric(100*rate[1]/rate[0], "idle/none-%")
			b.ReportMetric(100*rate[2]/rate[0], "none2/none-%")
		})
	}
}

// turn is how many round trips one server makes before the next one's
// turn.
const turn = 500

// dial connects to addr; cleanup closes the connection.
func dial(b *testing.B, addr string) net.Conn {
	b.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	return conn
}

// startEcho starts the echo example in style, watched by an idle watcher
// if watched; cleanup stops both.
func startEcho(b *testing.B, style string, watched bool) string {
	b.Helper()
	start, err := echo.Styles.Lookup(style)
	if err != nil {
		b.Fatal(err)
	}
	cfg := examples.Config{Addr: "127.0.0.1:0", OnError: func(err error) { b.Error(err) }}
	if watched {
		w := listen(b)
		cfg.Hooks = examples.Hooks{LoopOptions: []loop.Option{loop.WithObserver(w)}, OnLoop: w.Attach, OnHub: w.AttachHub}
	}
	srv, err := start(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := srv.Close(); err != nil {
			b.Error(err)
		}
	})
	return srv.Addr()
}

// BenchmarkIterationIdleWatcher measures the same cost closer up: one
// loop iteration that runs one CallSoon callback (which queues the next),
// on two loops in turns, blocks of turn iterations each, one watched by a
// watcher no page opens and one not. It reports each one's time per
// iteration and the difference: what an idle watcher adds to an
// iteration.
//
//	go test -run '^$' -bench IterationIdleWatcher -count 10 ./watch
func BenchmarkIterationIdleWatcher(b *testing.B) {
	loops := []*loop.Loop{spinningLoop(b, nil), spinningLoop(b, listen(b))}
	var took [2]time.Duration
	blocks := 0
	for b.Loop() {
		// One b.Loop iteration is a block on each loop, the one that
		// goes first changing every time.
		for k := range 2 {
			which := (blocks + k) % 2
			start := time.Now()
			for range turn {
				if err := loops[which].RunOnce(); err != nil {
					b.Fatal(err)
				}
			}
			took[which] += time.Since(start)
		}
		blocks++
	}
	none := float64(took[0].Nanoseconds()) / float64(blocks*turn)
	idle := float64(took[1].Nanoseconds()) / float64(blocks*turn)
	b.ReportMetric(none, "ns/iteration-none")
	b.ReportMetric(idle, "ns/iteration-idle")
	b.ReportMetric(idle-none, "ns-added")
}

// spinningLoop returns a loop, watched by w if not nil, whose every
// iteration runs one callback that queues the next.
func spinningLoop(b *testing.B, w *Watcher) *loop.Loop {
	b.Helper()
	var opts []loop.Option
	if w != nil {
		opts = append(opts, loop.WithObserver(w))
	}
	l, err := loop.New(opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	if w != nil {
		w.Attach(l)
	}
	var again func()
	again = func() { l.CallSoon(again) }
	l.CallSoon(again)
	return l
}
