package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"time"
)

// An echoLoad is a closed-loop echo load: conns connections, each sending a
// message of size bytes, waiting for all of it to come back, and sending
// the next, for warmup (not counted) and then window.
//
// The client is Go's net package, one goroutine per connection, in
// compare's process: it shares no code with the kit. Its limits: it runs on
// the same two cores as the server, and per round trip it costs about what
// the server does (a write, a read, a wake-up), so the fastest servers are
// held back by it and their figures are lower bounds that sit close
// together. loopkit compare --homelands has sharper figures, from an epoll
// client on a CPU of its own (load_epoll.go).
type echoLoad struct {
	conns  int
	size   int
	warmup time.Duration
	window time.Duration
}

// echoFigures is what an echo load measured.
type echoFigures struct {
	RoundTrips int64   `json:"round_trips"`
	PerSecond  float64 `json:"round_trips_per_second"`
	P50us      float64 `json:"latency_p50_us"`
	P99us      float64 `json:"latency_p99_us"`
}

// run connects, waits until every connection has made one round trip (so
// that all are accepted and served before the clock starts), then runs the
// load. onWindow is called as the window opens and as it closes, so that
// the caller can read the server's CPU time over exactly the window.
func (ld echoLoad) run(addr string, onWindow func(opening bool)) (echoFigures, error) {
	conns, err := dialAll(addr, ld.conns)
	if err != nil {
		return echoFigures{}, err
	}
	defer closeAll(conns)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	var window struct{ open, close time.Time }
	lat := make([][]time.Duration, len(conns))
	errs := make([]error, len(conns))
	for i, c := range conns {
		ready.Add(1)
		done.Go(func() {
			msg := make([]byte, ld.size)
			if errs[i] = roundTrip(c, msg, make([]byte, ld.size), i, -1); errs[i] != nil {
				ready.Done()
				return
			}
			ready.Done()
			<-start
			lat[i], errs[i] = ld.loop(c, i, window.open, window.close)
		})
	}
	ready.Wait()
	window.open = time.Now().Add(ld.warmup)
	window.close = window.open.Add(ld.window)
	close(start)
	time.Sleep(time.Until(window.open))
	onWindow(true)
	time.Sleep(time.Until(window.close))
	onWindow(false)
	done.Wait()
	for _, err := range errs {
		if err != nil {
			return echoFigures{}, err
		}
	}
	return summarizeLatencies(slices.Concat(lat...), ld.window), nil
}

// loop is one connection's closed loop; it returns the latencies of the
// round trips made wholly inside the window.
func (ld echoLoad) loop(c net.Conn, id int, open, close time.Time) ([]time.Duration, error) {
	msg, got := make([]byte, ld.size), make([]byte, ld.size)
	var lat []time.Duration
	for seq := 0; ; seq++ {
		t0 := time.Now()
		if err := roundTrip(c, msg, got, id, seq); err != nil {
			return nil, err
		}
		t1 := time.Now()
		if !t0.Before(open) && !t1.After(close) {
			lat = append(lat, t1.Sub(t0))
		}
		if t1.After(close) {
			return lat, nil
		}
	}
}

// roundTrip sends a message stamped with the connection and the sequence
// number (so that a stale or misrouted echo shows) and checks the echo.
func roundTrip(c net.Conn, msg, got []byte, id, seq int) error {
	binary.LittleEndian.PutUint32(msg, uint32(id))
	binary.LittleEndian.PutUint32(msg[4:], uint32(seq))
	if _, err := c.Write(msg); err != nil {
		return fmt.Errorf("connection %d: write: %w", id, err)
	}
	if _, err := io.ReadFull(c, got); err != nil {
		return fmt.Errorf("connection %d: read: %w", id, err)
	}
	if !bytes.Equal(msg, got) {
		return fmt.Errorf("connection %d: round trip %d: the echo differs from what was sent", id, seq)
	}
	return nil
}

// summarizeLatencies turns the latencies of a window into figures.
func summarizeLatencies(lat []time.Duration, window time.Duration) echoFigures {
	if len(lat) == 0 {
		return echoFigures{}
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Microsecond)
	}
	return echoFigures{
		RoundTrips: int64(len(lat)),
		PerSecond:  float64(len(lat)) / window.Seconds(),
		P50us:      pct(0.50),
		P99us:      pct(0.99),
	}
}

// dialAll opens n connections to addr, with a deadline that bounds the
// whole load.
func dialAll(addr string, n int) ([]net.Conn, error) {
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			closeAll(conns)
			return nil, fmt.Errorf("connection %d of %d: %w", len(conns)+1, n, err)
		}
		c.SetDeadline(time.Now().Add(loadBound))
		conns = append(conns, c)
	}
	return conns, nil
}

// loadBound is a deadline on every connection of a load: a server that
// stops answering fails the run instead of hanging compare.
const loadBound = 60 * time.Second

func closeAll(conns []net.Conn) {
	for _, c := range conns {
		c.Close()
	}
}
