// Command 09-netconn serves HTTP with Go's own net/http, unchanged, on the
// hand-written loop: the listener and the connections are the kit loop's
// sockets made a net.Listener and net.Conns by code you finish
// (exercise/socket.go). It is the Go counterpart of gevent's
// monkey-patching.
//
//	go run ./tutorials/09-netconn            # net/http on 127.0.0.1:7009: try curl
//	go run ./tutorials/09-netconn -demo      # bufio.Scanner and net/http, with built-in clients
//	go run ./tutorials/09-netconn -trace     # every poll, and every callback the loop runs
//	go run ./tutorials/09-netconn -ref       # the reference solution
//	go test ./tutorials/09-netconn           # check your net.Conn
package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"

	"github.com/loopkit/loopkit/tutorials/internal/step"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run; net/http runs in goroutines of its own.
func run(args []string, out io.Writer) error {
	p := step.New("09-netconn", "127.0.0.1:7009")
	p.AddTrace("print every poll and every callback the loop runs")
	requests := p.Int("requests", 50, "-demo: how many HTTP requests, 10 at a time")
	return p.Run(args, out, func(r step.Run) error {
		l, err := r.NewLoop()
		if err != nil {
			return err
		}
		defer l.Close()
		listen := impls[r.Impl]
		if r.Demo {
			return runDemo(out, l, listen, r, *requests)
		}
		ln, err := listen(l, r.Addr)
		if err != nil {
			return r.ListenError(err)
		}
		srv := &http.Server{Handler: hello(r.Impl)}
		go srv.Serve(ln) // returns when srv is closed
		r.Listening(ln.Addr(), "net/http on the "+r.Impl+"'s net.Conn and the kit's loop")
		fmt.Fprintf(out, "  or: curl http://%s/\n", ln.Addr())
		step.OnInterrupt(func() { srv.Close() }) // closes the listener and every connection: the loop is let go, Run returns
		return l.Run()
	})
}

// hello is the step's web page: a greeting, and how many goroutines the
// process runs while it serves it.
func hello(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			io.Copy(w, r.Body)
			return
		}
		fmt.Fprintf(w, "hello from net/http, unchanged, on the hand-written loop (the %s's net.Conn); %d goroutines\n",
			name, runtime.NumGoroutine())
	})
}

// errServeEnded is what the demo says if http.Serve ended by itself.
var errServeEnded = errors.New("http.Serve returned before the demo closed it")
