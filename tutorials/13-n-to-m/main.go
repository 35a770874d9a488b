// Command 13-n-to-m runs a server on M loops, each on an OS thread of its
// own with a poller of its own, all listening on one port with
// SO_REUSEPORT (exercise/loops.go): n connections on m loops.
//
//	go run ./tutorials/13-n-to-m               # M loops on 127.0.0.1:7013: join it, and see which loop you got
//	go run ./tutorials/13-n-to-m -demo         # 200 clients: connections per loop, and each loop's thread
//	go run ./tutorials/13-n-to-m -ref          # the reference
//	go test ./tutorials/13-n-to-m              # TestConnectionsSpreadOverLoops, TestEachLoopKeepsItsThread, ...
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/examples"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process.
func run(args []string, out io.Writer) error {
	p := step.New("13-n-to-m", "127.0.0.1:7013")
	loops := p.Int("loops", max(2, runtime.NumCPU()), "how many loops")
	clients := p.Int("clients", 200, "-demo: how many clients connect")
	return p.Run(args, out, func(r step.Run) error {
		g := &greeter{}
		srv, err := impls[r.Impl](examples.Config{Addr: r.Addr, Loops: *loops, OnError: r.Report}, g.serve)
		if err != nil {
			return r.ListenError(err)
		}
		if r.Demo {
			return runDemo(out, srv, g, *clients)
		}
		r.Listening(srv.Addr(), fmt.Sprintf("with %d loops, the %s's", len(g.stats()), r.Impl))
		fmt.Fprintf(out, "  or %s, a few times: each connection is told which loop it landed on\n", step.Join(srv.Addr()))
		step.WaitInterrupt()
		return srv.Close()
	})
}

// runDemo connects clients, a few at a time, each of which reads its
// greeting, sends a line, reads it back and leaves; then it closes the
// server and prints the connections of each loop.
func runDemo(out io.Writer, srv examples.Server, g *greeter, clients int) error {
	fmt.Fprintf(out, "%d loops, each on an OS thread of its own with a poller of its own, listen on %s (SO_REUSEPORT).\n"+
		"%d clients connect, 10 at a time; each is greeted by the loop it landed on.\n\n", len(g.stats()), srv.Addr(), clients)
	clientErr := connectClients(srv.Addr(), clients)
	if err := errors.Join(clientErr, srv.Close()); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "loop\tOS thread\tconnections\t\n")
	for _, st := range g.stats() {
		fmt.Fprintf(tw, "%d\t%s\t%d\t\n", st.number, st.thread, st.conns.Load())
	}
	tw.Flush()
	fmt.Fprintln(out, "\nThe kernel chose the loop of each connection (by a hash of its addresses and ports), and\n"+
		"each loop served its own on its own thread: no lock, no hand-over between loops.\n"+
		"How much more one machine serves with 1 loop and with 2: go run ./cmd/loopkit compare (its \"n to m\" table).")
	return nil
}

// connectClients runs n clients, 10 at a time.
func connectClients(addr string, n int) error {
	sem := make(chan struct{}, 10)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = greetAndEcho(addr)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// greetAndEcho is one client: greeting, one line there and back, goodbye.
func greetAndEcho(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	if _, err := r.ReadString('\n'); err != nil {
		return fmt.Errorf("no greeting: %w", err)
	}
	if _, err := io.WriteString(conn, "hi\n"); err != nil {
		return err
	}
	if got, err := r.ReadString('\n'); err != nil || got != "hi\n" {
		return fmt.Errorf("sent \"hi\\n\", got %q back: %v", got, err)
	}
	return nil
}
