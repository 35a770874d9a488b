//go:build linux

package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/examples/echo/completion"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/loopecho"
)

// runDemo puts the same load on two echo servers: the kit's loop on epoll
// (readiness), and the completion echo on your ring. Each client makes its
// round trips one after the other; all clients run at once.
func runDemo(out io.Writer, queues queuesFunc, clients, trips int) error {
	fmt.Fprintf(out, "%d clients at once, each making %d round trips of 64 bytes, one after the other.\n\n", clients, trips)
	ready, err := readinessRun(clients, trips)
	if err != nil {
		return fmt.Errorf("readiness: %w", err)
	}
	done, err := completionRun(queues, clients, trips)
	if err != nil {
		return fmt.Errorf("completion: %w", err)
	}
	rts := float64(clients * trips)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "server\tround trips\twaits\tinterest changes\trecv and send\tsystem calls per round trip\t\n")
	calls := ready.waits + ready.changes + 2*clients*trips
	fmt.Fprintf(tw, "readiness: kit loop on epoll\t%d\t%d\t%d\t%d\t%.2f\t\n", clients*trips, ready.waits, ready.changes,
		2*clients*trips, float64(calls)/rts)
	fmt.Fprintf(tw, "completion: your ring\t%d\t%d\t%d\t%d\t%.2f\t\n", clients*trips, done.Enters, 0, 0, float64(done.Enters)/rts)
	tw.Flush()
	fmt.Fprintf(out, "\nReadiness waits (epoll_wait), changes what it waits for (epoll_ctl: this echo waits for\n"+
		"writability before each write) and makes one recv and one send per round trip itself. Completion\n"+
		"hands the recv and the send to the kernel: each io_uring_enter submitted what the completions\n"+
		"before it asked for (%d completions came back) and waited for more.\n", done.Completions)
	return nil
}

// readinessCount is what the readiness run counted: Waits, and Registers,
// each an epoll_ctl (the loop registers only changes).
type readinessCount struct{ waits, changes int }

// readinessRun serves the load with the echo of steps 03 and 04 on the
// kit's loop over epoll, counting its Waits.
func readinessRun(clients, trips int) (readinessCount, error) {
	epoll, err := loop.NewPoller("epoll")
	if err != nil {
		return readinessCount{}, err
	}
	counted := &countingPoller{Poller: epoll}
	l, err := loop.New(loop.WithPoller(counted))
	if err != nil {
		epoll.Close()
		return readinessCount{}, err
	}
	defer l.Close()
	srv, err := loopecho.Listen(l, "127.0.0.1:0", func(error) {})
	if err != nil {
		return readinessCount{}, err
	}
	var loadErr error
	go func() {
		loadErr = roundTrips(srv.Addr().String(), clients, trips)
		l.CallSoonThreadSafe(srv.Close) // nothing left to wait for: Run returns
	}()
	if err := l.Run(); err != nil {
		return readinessCount{}, err
	}
	return readinessCount{waits: counted.waits, changes: counted.changes}, loadErr
}

// countingPoller counts the Waits and Registers of the poller it wraps.
type countingPoller struct {
	loop.Poller
	waits, changes int
}

func (p *countingPoller) Register(fd int, ev loop.Events) error {
	p.changes++
	return p.Poller.Register(fd, ev)
}

func (p *countingPoller) Wait(timeout time.Duration, ready []loop.Event) (int, error) {
	p.waits++
	return p.Poller.Wait(timeout, ready)
}

// completionRun serves the load with the completion echo on queues.
func completionRun(queues queuesFunc, clients, trips int) (completion.Stats, error) {
	srv, err := completion.StartWith("127.0.0.1:0", func(error) {}, queues)
	if err != nil {
		return completion.Stats{}, err
	}
	loadErr := roundTrips(srv.Addr(), clients, trips)
	if err := srv.Close(); err != nil {
		return completion.Stats{}, err
	}
	return srv.Stats(), loadErr
}

// roundTrips runs the clients and waits for them all.
func roundTrips(addr string, clients, trips int) error {
	errs := make([]error, clients)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() { errs[i] = client(addr, trips) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// client makes trips round trips of 64 bytes, within 30 s in all.
func client(addr string, trips int) error {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	msg, back := make([]byte, 64), make([]byte, 64)
	for range trips {
		if _, err := c.Write(msg); err != nil {
			return err
		}
		if _, err := io.ReadFull(c, back); err != nil {
			return err
		}
	}
	return nil
}
