// Package demo holds the built-in clients of the steps' -demo flags, so
// that no step needs nc, telnet or a second terminal: the clients connect,
// talk, measure, and the step prints a small table of what they saw. The
// clients use Go's net package: they are the world outside the server, not
// part of any lesson.
//
// The numbers are for looking at, never asserted: the checks of each step
// are gated (see package steptest), the demos are not.
package demo

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"text/tabwriter"
	"time"
)

// A Timing is what one holding client saw.
type Timing struct {
	Client    int           // 1, 2, 3...
	Connected time.Duration // when it connected, from the start
	Echoed    time.Duration // when its echo came back, from the start
	Err       error
}

// stagger is the gap between two clients' starts, so that they reach the
// server in order and the table reads 1, 2, 3.
const stagger = 20 * time.Millisecond

// HoldClients starts n clients at addr, stagger apart. Each connects,
// sends one line, waits for its echo, keeps the connection open for hold,
// then closes it. HoldClients returns when every client is done; a client
// that got no echo within bound reports an error.
func HoldClients(addr string, n int, hold, bound time.Duration) []Timing {
	start := time.Now()
	out := make([]Timing, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * stagger)
			out[i] = holdClient(addr, i+1, start, hold, bound)
		}()
	}
	wg.Wait()
	return out
}

func holdClient(addr string, id int, start time.Time, hold, bound time.Duration) Timing {
	t := Timing{Client: id}
	conn, err := net.DialTimeout("tcp", addr, bound)
	if err != nil {
		t.Err = err
		return t
	}
	defer conn.Close()
	t.Connected = time.Since(start)
	conn.SetDeadline(time.Now().Add(bound))
	line := fmt.Sprintf("hello from client %d\n", id)
	if _, err := io.WriteString(conn, line); err != nil {
		t.Err = err
		return t
	}
	got, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Err = fmt.Errorf("no echo: %w", err)
		return t
	}
	if got != line {
		t.Err = fmt.Errorf("echo %q, want %q", got, line)
		return t
	}
	t.Echoed = time.Since(start)
	time.Sleep(hold)
	return t
}

// PrintTimings prints the table of HoldClients: when each client
// connected, and how long it then waited for its echo.
func PrintTimings(w io.Writer, ts []Timing, hold time.Duration) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "client\tconnected at\techo after\tthen held\t\n")
	var errs []error
	for _, t := range ts {
		if t.Err != nil {
			fmt.Fprintf(tw, "%d\t%s\t%s\t\t\n", t.Client, round(t.Connected), "no echo")
			errs = append(errs, fmt.Errorf("client %d: %w", t.Client, t.Err))
			continue
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t\n", t.Client, round(t.Connected), round(t.Echoed-t.Connected), hold)
	}
	tw.Flush()
	return errors.Join(errs...)
}

func round(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

// EchoLoad has n clients connect to addr at once; each sends size bytes in
// 4 KiB pieces while reading the echo back, then closes. It returns how
// long the whole took, and the first error.
func EchoLoad(addr string, n, size int, bound time.Duration) (time.Duration, error) {
	start := time.Now()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = echoOnce(addr, size, bound)
		}()
	}
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
}

func echoOnce(addr string, size int, bound time.Duration) error {
	conn, err := net.DialTimeout("tcp", addr, bound)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(bound))
	msg := make([]byte, size)
	for i := range msg {
		msg[i] = byte('a' + i%26)
	}
	sent := make(chan error, 1)
	go func() {
		for p := msg; len(p) > 0; {
			k := min(len(p), 4<<10)
			if _, err := conn.Write(p[:k]); err != nil {
				sent <- err
				return
			}
			p = p[k:]
		}
		sent <- nil
	}()
	got := make([]byte, size)
	if _, err := io.ReadFull(conn, got); err != nil {
		return fmt.Errorf("reading the echo: %w", err)
	}
	if err := <-sent; err != nil {
		return err
	}
	if string(got) != string(msg) {
		return errors.New("the echo differs from what was sent")
	}
	return nil
}
