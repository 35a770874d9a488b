package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/beerapi"
	"github.com/loopkit/loopkit/tutorials/internal/demo"
	"github.com/loopkit/loopkit/tutorials/internal/loopserver"
)

// runDemo runs, on the one loop, at the same time: echo clients against
// the server, and the chain of fetches twice, once against a service that
// answers and once against one whose fruit request is reset. Then it
// prints what each saw, and the size of the file the callbacks are in.
func runDemo(out io.Writer, l *loop.Loop, srv *loopserver.CallbacksServer, p program, name string, clients int) error {
	const size = 64 << 10
	beer := beerapi.NewServer()
	defer beer.Close()

	var echoTook time.Duration
	var echoErr error
	go func() {
		echoTook, echoErr = demo.EchoLoad(srv.Addr(), clients, size, 30*time.Second)
		l.CallSoonThreadSafe(srv.Close)
	}()

	fetched := []string{"done not called", "done not called"}
	p.BeerThenFruit(l, beer.URL(), func(fruit string, err error) {
		fetched[0] = outcome(fruit, err)
		beer.ResetOn("/api/fruit/" + beerapi.Beer) // the next fruit request is reset
		p.BeerThenFruit(l, beer.URL(), func(fruit string, err error) {
			fetched[1] = outcome(fruit, err)
		})
	})
	if err := l.Run(); err != nil { // returns when nothing is left to wait for
		return err
	}

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "what\twhat came back\n")
	echoed := fmt.Sprintf("all echoed, in %v", echoTook.Round(time.Millisecond))
	if echoErr != nil {
		echoed = "failed: " + firstLine(echoErr.Error())
	}
	fmt.Fprintf(tw, "%d echo clients, %d KiB each\t%s\n", clients, size>>10, echoed)
	fmt.Fprintf(tw, "BeerThenFruit\t%s\n", fetched[0])
	fmt.Fprintf(tw, "BeerThenFruit, fruit's server resets\t%s\n", fetched[1])
	tw.Flush()
	fmt.Fprintf(out, "the service was asked for: %s\n\n", strings.Join(beer.Paths(), ", "))

	demo.PrintCodeSize(out, "tutorials/05-callbacks/"+name+"/pyramid.go", "tutorials/07-coroutines/straight.go")
	fmt.Fprintln(out, "\nEach callback is one level deeper than the one that gave it its input; step 07\n"+
		"writes the same two functions as straight-line code. An error goes only to the\n"+
		"callback that waits for it: if that callback drops it, nobody hears of it.")
	return echoErr
}

// outcome words what done got.
func outcome(fruit string, err error) string {
	if err != nil {
		return "error: " + firstLine(err.Error())
	}
	return fmt.Sprintf("%q", fruit)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
