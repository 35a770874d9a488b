package demo

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"time"
)

// A Pinger is a client that sends a line and waits for it to come back,
// again and again, one every interval, and keeps each round trip's time:
// "how long did a client that asks for nothing hard wait, while something
// else happened on the server?"
type Pinger struct {
	conn net.Conn
	stop chan struct{}
	done chan struct{}

	mu    sync.Mutex // guards the fields below
	times []time.Duration
	err   error
}

// StartPinger connects to addr and starts pinging with line (which ends
// with "\n"). Stop ends it.
func StartPinger(addr, line string, interval, bound time.Duration) (*Pinger, error) {
	conn, err := net.DialTimeout("tcp", addr, bound)
	if err != nil {
		return nil, err
	}
	p := &Pinger{conn: conn, stop: make(chan struct{}), done: make(chan struct{})}
	go p.run(line, interval, bound)
	return p, nil
}

// run pings until stopped, or until a ping fails.
func (p *Pinger) run(line string, interval, bound time.Duration) {
	defer close(p.done)
	r := bufio.NewReader(p.conn)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		start := time.Now()
		p.conn.SetDeadline(start.Add(bound))
		_, err := p.conn.Write([]byte(line))
		if err == nil {
			var got string
			got, err = r.ReadString('\n')
			if err == nil && got != line {
				err = fmt.Errorf("sent %q, got %q back", line, got)
			}
		}
		p.mu.Lock()
		p.times = append(p.times, time.Since(start))
		p.err = err
		p.mu.Unlock()
		if err != nil {
			return
		}
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
	}
}

// PingStats sums up a Pinger's round trips.
type PingStats struct {
	Count   int
	Median  time.Duration
	Longest time.Duration
}

func (s PingStats) String() string {
	return fmt.Sprintf("%d round trips: median %v, longest %v", s.Count, round(s.Median), round(s.Longest))
}

// Stop stops pinging, closes the connection, and returns the round trips'
// times and the first error.
func (p *Pinger) Stop() (PingStats, error) {
	close(p.stop)
	<-p.done
	p.conn.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	times := slices.Clone(p.times)
	slices.Sort(times)
	var s PingStats
	if len(times) > 0 {
		s = PingStats{Count: len(times), Median: times[len(times)/2], Longest: times[len(times)-1]}
	}
	if p.err != nil {
		return s, fmt.Errorf("the pinging client: %w", p.err)
	}
	return s, nil
}

// Ask connects to addr, sends line (which ends with "\n"), and returns the
// first line that comes back and how long it took to come.
func Ask(addr, line string, bound time.Duration) (reply string, took time.Duration, err error) {
	conn, err := net.DialTimeout("tcp", addr, bound)
	if err != nil {
		return "", 0, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(bound))
	start := time.Now()
	if _, err := conn.Write([]byte(line)); err != nil {
		return "", 0, err
	}
	reply, err = bufio.NewReader(conn).ReadString('\n')
	took = time.Since(start)
	if err != nil {
		return reply, took, errors.Join(fmt.Errorf("asked %q, no answer", line), err)
	}
	return reply, took, nil
}

// Round rounds a duration for a table: to 0.1ms under 10ms, else to 1ms.
func Round(d time.Duration) time.Duration { return round(d) }
