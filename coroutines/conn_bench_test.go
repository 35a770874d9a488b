package coroutines

import (
	"context"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/loopkit/loopkit/loop"
)

// The benchmarks of this file measure the coroutine style against Go's own
// net package, and its two net.Conn modes against each other. Run them
// with: go test -run '^$' -bench 'Echo|RoundTrip' ./coroutines/

// echoMessage is the size of a benchmark's message: small enough that the
// cost measured is that of a round trip through the loop, not of copying.
const echoMessage = 64

// BenchmarkEcho measures echo round trips per second against two servers
// that do the same work: the coroutine style (a StreamServer, one coroutine
// per connection, all on one loop) and Go's net (a goroutine per
// connection, on Go's netpoller). The client is the same for both: conns
// connections on Go's net, each sending a 64-byte message and reading it
// back, b.N round trips in all.
func BenchmarkEcho(b *testing.B) {
	servers := []struct {
		name  string
		start func(b *testing.B) (addr string, stop func())
	}{
		{"coroutines", startCoroutineEchoServer},
		{"net", startNetEchoServer},
	}
	for _, srv := range servers {
		for _, conns := range []int{1, 100} {
			b.Run(fmt.Sprintf("%s/conns=%d", srv.name, conns), func(b *testing.B) {
				addr, stop := srv.start(b)
				defer stop()
				runEchoClients(b, addr, conns)
			})
		}
	}
}

// startCoroutineEchoServer runs a StreamServer whose handler echoes, on a
// loop of its own goroutine (the benchmark's goroutine plays the clients).
func startCoroutineEchoServer(b *testing.B) (string, func()) {
	l, err := loop.New()
	if err != nil {
		b.Fatal(err)
	}
	h := NewHub(l)
	srv, err := NewStreamServer(h, "127.0.0.1:0", func(ctx context.Context, c *Conn) error {
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(ctx, buf)
			if err != nil {
				return nil // the client closed
			}
			if _, err := c.Write(ctx, buf[:n]); err != nil {
				return nil
			}
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	srv.Start()
	ran := make(chan error, 1)
	go func() { ran <- h.Run() }()
	return srv.Addr().String(), func() {
		l.CallSoonThreadSafe(func() { srv.Close() })
		if err := <-ran; err != nil {
			b.Errorf("Hub.Run: %v", err)
		}
		h.Close()
		l.Close()
	}
}

// startNetEchoServer runs the same server on Go's net, a goroutine per
// connection.
func startNetEchoServer(b *testing.B) (string, func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				netEcho(c)
			}()
		}
	}()
	return ln.Addr().String(), func() {
		ln.Close()
		wg.Wait()
	}
}

// netEcho echoes c with plain reads and writes until it is closed (not
// io.Copy, whose splice would not be the same work as the loop's).
func netEcho(c net.Conn) {
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return
		}
	}
}

// runEchoClients makes b.N round trips to addr over conns connections at
// once, and reports round trips per second (rt/s).
func runEchoClients(b *testing.B, addr string, conns int) {
	cs := make([]net.Conn, conns)
	for i := range cs {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		cs[i] = c
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range cs {
		trips := b.N / conns
		if i < b.N%conns {
			trips++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg := make([]byte, echoMessage)
			for range trips {
				if _, err := c.Write(msg); err != nil {
					b.Error(err)
					return
				}
				if _, err := io.ReadFull(c, msg); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "rt/s")
}

// BenchmarkNetConnRoundTrip measures what one blocking call costs in each
// net.Conn mode, against an echo peer on Go's net: b.N round trips of a
// 64-byte message, each a Write and a ReadFull through a net.Conn.
//
//   - conn: Conn.Write and Conn.Read in a coroutine, for reference;
//   - coroutine: the same through c.Bind(ctx), coroutine mode: the park is
//     a channel hand-off between the coroutine and the loop goroutine;
//   - goroutine: through c.NetConn() from an ordinary goroutine, goroutine
//     mode: each call is a CallSoonThreadSafe (and an eventfd wake-up of
//     the loop when it sleeps in poll), the system call on the loop, and a
//     channel receive.
func BenchmarkNetConnRoundTrip(b *testing.B) {
	b.Run("conn", func(b *testing.B) {
		benchCoroutineRoundTrips(b, func(ctx context.Context, c *Conn) roundTripper {
			return connRoundTripper{c: c, ctx: ctx}
		})
	})
	b.Run("coroutine", func(b *testing.B) {
		benchCoroutineRoundTrips(b, func(ctx context.Context, c *Conn) roundTripper {
			return netConnRoundTripper{c.Bind(ctx)}
		})
	})
	b.Run("goroutine", benchGoroutineRoundTrips)
}

// A roundTripper makes one round trip of msg.
type roundTripper interface {
	roundTrip(msg []byte) error
}

type connRoundTripper struct {
	c   *Conn
	ctx context.Context
}

func (r connRoundTripper) roundTrip(msg []byte) error {
	if _, err := r.c.Write(r.ctx, msg); err != nil {
		return err
	}
	for n := 0; n < len(msg); {
		m, err := r.c.Read(r.ctx, msg[n:])
		if err != nil {
			return err
		}
		n += m
	}
	return nil
}

type netConnRoundTripper struct{ c net.Conn }

func (r netConnRoundTripper) roundTrip(msg []byte) error {
	if _, err := r.c.Write(msg); err != nil {
		return err
	}
	_, err := io.ReadFull(r.c, msg)
	return err
}

// benchCoroutineRoundTrips runs the round trips in a coroutine, the loop on
// the benchmark's goroutine.
func benchCoroutineRoundTrips(b *testing.B, view func(ctx context.Context, c *Conn) roundTripper) {
	addr, stop := startNetEchoServer(b)
	defer stop()
	l, err := loop.New()
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	h := NewHub(l)
	defer h.Close()
	co := h.Spawn(func(ctx context.Context) error {
		c, err := Dial(ctx, addr)
		if err != nil {
			return err
		}
		defer c.Close()
		rt := view(ctx, c)
		msg := make([]byte, echoMessage)
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			if err := rt.roundTrip(msg); err != nil {
				return err
			}
		}
		b.StopTimer()
		return nil
	})
	if err := h.RunUntil(co); err != nil {
		b.Fatal(err)
	}
}

// benchGoroutineRoundTrips runs the round trips on the benchmark's
// goroutine, through a goroutine-mode net.Conn, the loop on a goroutine of
// its own.
func benchGoroutineRoundTrips(b *testing.B) {
	addr, stop := startNetEchoServer(b)
	defer stop()
	l, err := loop.New()
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	h := NewHub(l)
	defer h.Close()
	release := l.Hold() // keep the loop running until DialNet has its conn
	ran := make(chan error, 1)
	go func() { ran <- h.Run() }()
	c, err := DialNet(context.Background(), h, addr)
	release()
	if err != nil {
		b.Fatal(err)
	}
	rt := netConnRoundTripper{c}
	msg := make([]byte, echoMessage)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := rt.roundTrip(msg); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	c.Close()
	if err := <-ran; err != nil {
		b.Fatal(err)
	}
}
