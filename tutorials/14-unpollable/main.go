// Command 14-unpollable runs a file server on the kit's loop that reads
// each file through a thread pool whose delivery half you write
// (exercise/handback.go): a regular file cannot be waited for in poll, so
// its read runs on a worker, and the answer comes back on the loop.
//
//	go run ./tutorials/14-unpollable            # the server on 127.0.0.1:7014: "wc NAME" counts a file's lines
//	go run ./tutorials/14-unpollable -demo      # what select, poll and epoll say of a file; then clients ask for files
//	go run ./tutorials/14-unpollable -ref       # the reference pool
//	go test ./tutorials/14-unpollable           # check your handback.go
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/lineserver"
	"github.com/loopkit/loopkit/tutorials/internal/step"
)

func main() { step.Main(run) }

// run is the program, with its arguments and output given, so that the
// smoke test can run it in-process. The loop runs on the goroutine that
// calls run.
func run(args []string, out io.Writer) error {
	p := step.New("14-unpollable", "127.0.0.1:7014")
	dir := p.String("dir", ".", "the directory whose files the server reads")
	workers := p.Int("workers", 2, "how many worker goroutines read files")
	return p.Run(args, out, func(r step.Run) error {
		root, err := os.OpenRoot(*dir)
		if err != nil {
			return err
		}
		defer root.Close()
		if r.Demo {
			return runDemo(out, r, impls[r.Impl], root, *workers)
		}
		return serve(r, impls[r.Impl], root, *workers)
	})
}

// serve runs the file server until Ctrl-C.
func serve(r step.Run, newPool newPoolFunc, root *os.Root, workers int) error {
	l, err := r.NewLoop()
	if err != nil {
		return err
	}
	defer l.Close()
	pool := newPool(l, workers)
	defer pool.Close()
	srv, err := lineserver.Serve(l, r.Addr, fileServer(pool, root))
	if err != nil {
		return r.ListenError(err)
	}
	r.Listening(srv.Addr(), fmt.Sprintf("a file server on %s's pool, reading %s", r.Impl, root.Name()))
	fmt.Fprintf(r.Out, "  or talk to it: %s, then type: wc README.md\n", step.Join(srv.Addr()))
	step.OnInterrupt(func() { l.CallSoonThreadSafe(srv.Close) })
	return l.Run()
}

// fileServer is the server's line handler: "wc NAME" is answered, once a
// worker has read the file, with its lines and bytes; any other line with
// itself. root keeps every name inside the directory served ("../x" is
// refused).
func fileServer(pool pool, root *os.Root) lineserver.Handler {
	return func(c *lineserver.Conn, line string) {
		name, ok := strings.CutPrefix(line, "wc ")
		if !ok {
			c.Reply(line + "\n")
			return
		}
		answer := c.Later()
		pool.Submit(func() ([]byte, error) { return root.ReadFile(name) }, func(data []byte, err error) {
			answer(wc(name, data, err))
		})
	}
}

// wc words the answer to "wc NAME".
func wc(name string, data []byte, err error) string {
	if err != nil {
		return fmt.Sprintf("%s: %v\n", name, err)
	}
	return fmt.Sprintf("%s: %d lines, %d bytes\n", name, bytes.Count(data, []byte("\n")), len(data))
}

// newLoop is the loop of the checks and the demo: the default backend, and
// errors passed to report.
func newLoop(report func(error)) (*loop.Loop, error) {
	return loop.New(loop.WithErrorHandler(report))
}
