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
// the callbacks and coroutines styles, run twice at once: one without a
// watcher, one with a watcher attached (observer of the loop and of the
// hub) but no page open. The two take turns, a block of round trips each,
// so that what else the machine does weighs on both alike; it reports
// each one's rate and the second's as a percentage of the first.
//
//	go test -run '^$' -bench EchoIdleWatcher -benchtime 20000x -count 5 ./watch
func BenchmarkEchoIdleWatcher(b *testing.B) {
	for _, style := range []string{"callbacks", "coroutines"} {
		b.Run(style, func(b *testing.B) {
			bare := dial(b, startEcho(b, style, false))
			watched := dial(b, startEcho(b, style, true))
			var took [2]time.Duration
			msg, got := make([]byte, 64), make([]byte, 64)
			for i := 0; b.Loop(); i++ {
				// Each b.Loop iteration is one round trip on one of
				// the two, in blocks of turn.
				conn, which := bare, 0
				if i/turn%2 == 1 {
					conn, which = watched, 1
				}
				start := time.Now()
				if _, err := conn.Write(msg); err != nil {
					b.Fatal(err)
				}
				if _, err := io.ReadFull(conn, got); err != nil {
					b.Fatal(err)
				}
				took[which] += time.Since(start)
			}
			half := float64(b.N) / 2
			none, idle := half/took[0].Seconds(), half/took[1].Seconds()
			b.ReportMetric(none, "rt/s-none")
			b.ReportMetric(idle, "rt/s-idle")
			b.ReportMetric(100*idle/none, "idle/none-%")
		})
	}
}

// turn is how many round trips one server makes before the other's turn.
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
		w := listenBench(b)
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
// without a watcher and with an idle one. What a watcher with no page adds
// per iteration is the difference of the two ns/op.
//
//	go test -run '^$' -bench IterationIdleWatcher -count 5 ./watch
func BenchmarkIterationIdleWatcher(b *testing.B) {
	for _, watched := range []bool{false, true} {
		name := "watcher=none"
		if watched {
			name = "watcher=idle"
		}
		b.Run(name, func(b *testing.B) {
			var opts []loop.Option
			var w *Watcher
			if watched {
				w = listenBench(b)
				opts = append(opts, loop.WithObserver(w))
			}
			l, err := loop.New(opts...)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			if w != nil {
				w.Attach(l)
			}
			var again func()
			again = func() { l.CallSoon(again) }
			l.CallSoon(again)
			for b.Loop() {
				if err := l.RunOnce(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// listenBench starts a watcher that no page opens; cleanup closes it.
func listenBench(b *testing.B) *Watcher {
	b.Helper()
	w, err := Listen("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { w.Close() })
	return w
}
