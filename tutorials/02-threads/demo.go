package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/tutorials/internal/demo"
)

// runDemo shows two things: step 01's three clients no longer wait for
// each other, and what a goroutine per connection costs when the
// goroutines block in raw system calls, next to the same with net.Conn.
func runDemo(out io.Writer, addr string, hold time.Duration, idle int) error {
	fmt.Fprintf(out, "3 clients connect at once; each sends a line, waits for its echo, and stays %v.\n\n", hold)
	timings := demo.HoldClients(addr, 3, hold, 3*hold+5*time.Second)
	if err := demo.PrintTimings(out, timings, hold); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%d idle clients, each connected and waiting, one server goroutine per client:\n\n", idle)
	// net first: the threads Go starts for blocked system calls stay
	// around afterwards, and would be counted again.
	netCost, err := measure(idle, serveNet)
	if err != nil {
		return err
	}
	rawCost, err := measure(idle, func() (string, func(), error) { return addr, func() {}, nil })
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "server\tgoroutines\tOS threads\tRSS\t\n")
	fmt.Fprintf(tw, "net.Conn (Go's netpoller)\t%d\t%s\t%s\t\n", netCost.goroutines, netCost.threads, netCost.rss)
	fmt.Fprintf(tw, "raw fds (blocking unix.Read)\t%d\t%s\t%s\t\n", rawCost.goroutines, rawCost.threads, rawCost.rss)
	tw.Flush()
	fmt.Fprintln(out, "\nA goroutine blocked in unix.Read holds an OS thread for as long as it waits.\n"+
		"A goroutine blocked in net.Conn.Read holds none: Go's runtime parks it and waits\n"+
		"for every socket at once in its netpoller, an event loop like the one you build next.")
	return nil
}

// A cost is what the process held while the idle clients were connected.
type cost struct {
	goroutines int
	threads    string // "n/a" where the OS does not say
	rss        string
}

// measure connects n clients to the server start returns, has each
// exchange one byte (so that the server's goroutine for it is now blocked
// in read), takes the counts, and disconnects them.
func measure(n int, start func() (addr string, stop func(), err error)) (cost, error) {
	addr, stop, err := start()
	if err != nil {
		return cost{}, err
	}
	defer stop()
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			return cost{}, fmt.Errorf("client %d of %d: %w (too many open files? see ulimit -n)", len(conns)+1, n, err)
		}
		conns = append(conns, c)
		c.SetDeadline(time.Now().Add(5 * time.Second))
		var b [1]byte
		if _, err := c.Write([]byte{'x'}); err != nil {
			return cost{}, err
		}
		if _, err := io.ReadFull(c, b[:]); err != nil {
			return cost{}, fmt.Errorf("client %d: no echo: %w", len(conns), err)
		}
	}
	time.Sleep(100 * time.Millisecond) // let the runtime hand blocked threads' work elsewhere
	return cost{goroutines: runtime.NumGoroutine(), threads: procStatus("Threads"), rss: procStatus("VmRSS")}, nil
}

// serveNet is the same server written with package net: a goroutine per
// connection, blocking Read and Write, and Go's runtime does the waiting.
func serveNet() (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				io.Copy(c, c)
				c.Close()
			}()
		}
	}()
	return ln.Addr().String(), func() { ln.Close() }, nil
}

// procStatus returns a field of /proc/self/status ("Threads", "VmRSS"),
// or "n/a" where there is no /proc (macOS).
func procStatus(field string) string {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "n/a"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok && name == field {
			value = strings.TrimSpace(value)
			if kb, ok := strings.CutSuffix(value, " kB"); ok {
				if n, err := strconv.Atoi(kb); err == nil {
					return fmt.Sprintf("%d MiB", n>>10)
				}
			}
			return value
		}
	}
	return "n/a"
}
