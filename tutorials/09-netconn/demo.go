package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

// runDemo runs three scenes against your net.Listener and net.Conns, with
// the loop running on this goroutine and the scenes on others: a line
// server written with bufio.Scanner; net/http.Serve answering requests, 10
// at a time; and net/http's ReadHeaderTimeout cutting off a client that
// sends nothing, which is SetReadDeadline on your Conn. It prints what
// each saw.
func runDemo(out io.Writer, l *loop.Loop, listen listenFunc, r step.Run, requests int) error {
	lines, err := listen(l, "127.0.0.1:0")
	if err != nil {
		return err
	}
	web, err := listen(l, r.Addr)
	if err != nil {
		lines.Close()
		return r.ListenError(err)
	}
	var peak atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peak.Store(max(peak.Load(), int64(runtime.NumGoroutine())))
		fmt.Fprint(w, "hello from net/http, on the hand-written loop\n")
	}), ReadHeaderTimeout: 200 * time.Millisecond}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(web) }()

	var echoed []string
	var took, idle time.Duration
	var sceneErr error
	go func() {
		defer func() {
			srv.Close() // closes web and every connection net/http has open
			lines.Close()
		}()
		if echoed, sceneErr = scannerScene(lines); sceneErr != nil {
			return
		}
		if took, sceneErr = httpScene(web.Addr().String(), requests); sceneErr != nil {
			return
		}
		idle, sceneErr = idleScene(web.Addr().String())
	}()
	if err := l.Run(); err != nil { // returns once the listeners and connections are closed
		return err
	}
	if err := <-served; err != http.ErrServerClosed {
		return fmt.Errorf("%w: %v", errServeEnded, err)
	}

	fmt.Fprintln(out, "A line server written with bufio.Scanner, unchanged, on your Conn:")
	for _, e := range echoed {
		fmt.Fprintf(out, "  %s\n", e)
	}
	fmt.Fprintln(out, "\nnet/http.Serve on your Listener, and Go's HTTP client:")
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "requests, 10 at a time\ttook\tgoroutines at most\t\n")
	fmt.Fprintf(tw, "%d\t%v\t%d\t\n", requests, took.Round(time.Millisecond), peak.Load())
	tw.Flush()
	if idle > 0 {
		fmt.Fprintf(out, "\nA client that sends nothing was cut off by net/http's ReadHeaderTimeout (200ms) after %v:\n"+
			"net/http called SetReadDeadline on your Conn, and a loop timer ended the Read.\n", idle.Round(10*time.Millisecond))
	}
	return sceneErr
}

// scannerScene serves one connection of ln with bufio.Scanner, upper-casing
// each line, and talks to it with a net client.
func scannerScene(ln net.Listener) ([]string, error) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		sc := bufio.NewScanner(conn)
		for sc.Scan() {
			fmt.Fprintf(conn, "%s\n", strings.ToUpper(sc.Text()))
		}
	}()
	defer wg.Wait()
	c, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(c)
	var got []string
	for _, line := range []string{"one place waits", "the loop's poll", "and nowhere else"} {
		fmt.Fprintf(c, "%s\n", line)
		back, err := r.ReadString('\n')
		if err != nil {
			return got, fmt.Errorf("the line server: %w", err)
		}
		got = append(got, fmt.Sprintf("%-18q -> %q", line, strings.TrimSuffix(back, "\n")))
	}
	return got, nil
}

// httpScene makes n GET requests, 10 at a time, with Go's HTTP client.
func httpScene(addr string, n int) (time.Duration, error) {
	tr := &http.Transport{MaxConnsPerHost: 10}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	start := time.Now()
	sem := make(chan struct{}, 10)
	errs := make(chan error, n)
	for range n {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			resp, err := client.Get("http://" + addr + "/")
			if err == nil {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			return 0, fmt.Errorf("an HTTP request: %w", err)
		}
	}
	return time.Since(start), nil
}

// idleScene connects and sends nothing, and returns how long the server
// took to close the connection.
func idleScene(addr string) (time.Duration, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	start := time.Now()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	io.Copy(io.Discard, c) // until the server closes: EOF
	return time.Since(start), nil
}
