package callbacks_test

import (
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

// BenchmarkEcho measures echo round trips per second (rt/s): 64-byte
// messages, one outstanding per connection, over 1 and 100 connections.
// The same net client drives three servers in the same run: a callbacks
// echo and a protocol echo on one loop (the default backend, or
// LOOPKIT_BACKEND), and net's goroutine-per-connection echo, the baseline.
//
//	go test -run '^$' -bench Echo -benchtime 3s ./callbacks/
func BenchmarkEcho(b *testing.B) {
	servers := []struct {
		name  string
		start func(b *testing.B) string
	}{
		{"callbacks", startCallbacksEcho},
		{"protocol", startProtocolEcho},
		{"net", func(b *testing.B) string { return testutil.EchoServer(b, "127.0.0.1:0") }},
	}
	for _, server := range servers {
		for _, conns := range []int{1, 100} {
			b.Run(fmt.Sprintf("%s/conns=%d", server.name, conns), func(b *testing.B) {
				driveEcho(b, server.start(b), conns)
			})
		}
	}
}

// startCallbacksEcho runs a callbacks echo server on a loop of its own, in
// a goroutine that becomes the loop's; cleanup stops it.
func startCallbacksEcho(b *testing.B) string {
	l := newBenchLoop(b)
	ln, err := callbacks.Listen(l, "127.0.0.1:0", echo)
	if err != nil {
		b.Fatal(err)
	}
	runInBackground(b, l, func() { ln.Close() })
	return ln.Addr().String()
}

// startProtocolEcho is startCallbacksEcho with a protocol server.
func startProtocolEcho(b *testing.B) string {
	l := newBenchLoop(b)
	server, err := protocol.Serve(l, "127.0.0.1:0", func() protocol.Protocol { return &benchEcho{} })
	if err != nil {
		b.Fatal(err)
	}
	runInBackground(b, l, server.Close)
	return server.Addr().String()
}

type benchEcho struct{ t protocol.Transport }

func (e *benchEcho) ConnectionMade(t protocol.Transport) { e.t = t }
func (e *benchEcho) DataReceived(data []byte)            { e.t.Write(data) }
func (e *benchEcho) EOFReceived() bool                   { return false }
func (e *benchEcho) ConnectionLost(error)                {}

func newBenchLoop(b *testing.B) *loop.Loop {
	l, err := loop.New(loop.WithErrorHandler(func(err error) { b.Error(err) }))
	if err != nil {
		b.Fatal(err)
	}
	return l
}

// runInBackground runs l in a new goroutine. Cleanup calls stop on the loop
// (which must leave it nothing to wait for), waits for Run to return, and
// closes l.
func runInBackground(b *testing.B, l *loop.Loop, stop func()) {
	returned := make(chan error, 1)
	go func() { returned <- l.Run() }()
	b.Cleanup(func() {
		l.CallSoonThreadSafe(stop)
		if err := <-returned; err != nil {
			b.Error(err)
		}
		l.Close()
	})
}

// driveEcho connects conns net clients to addr, then makes b.N round trips
// among them, and reports round trips per second.
func driveEcho(b *testing.B, addr string, conns int) {
	clients := make([]net.Conn, conns)
	for i := range clients {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		clients[i] = c
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conns)
	b.ResetTimer()
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg, got := make([]byte, 64), make([]byte, 64)
			for next.Add(1) <= int64(b.N) {
				if _, err := c.Write(msg); err != nil {
					errs <- err
					return
				}
				if _, err := io.ReadFull(c, got); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rt/s")
}
