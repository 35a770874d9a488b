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
)

// runDemo runs, on the one loop, at the same time: echo clients against
// the server; BeerThenFruit twice, once against a service that answers,
// once against one that resets the fruit request; and three coroutines
// that sleep. Then it prints what each saw, and the size of the code.
func runDemo(out io.Writer, l *loop.Loop, hub Hub, acceptor Task, closeListener func(), addr, name string, clients int) error {
	const size = 64 << 10
	beer := beerapi.NewServer()
	defer beer.Close()

	type echoResult struct {
		took time.Duration
		err  error
	}
	echoed := make(chan echoResult, 1)
	go func() {
		took, err := demo.EchoLoad(addr, clients, size, 10*time.Second)
		echoed <- echoResult{took, err}
		l.CallSoonThreadSafe(acceptor.Kill) // its connections are closed: nothing else is left
	}()

	fetched := []string{"did not finish", "did not finish"}
	hub.Spawn("fetch", func(co Co) error {
		fetched[0] = outcome(BeerThenFruit(co, beer.URL()))
		beer.ResetOn("/api/fruit/" + beerapi.Beer)
		fetched[1] = outcome(BeerThenFruit(co, beer.URL()))
		return nil
	})

	start := time.Now()
	var woke []string
	for _, s := range []struct {
		name string
		d    time.Duration
	}{{"a", 30 * time.Millisecond}, {"b", 10 * time.Millisecond}, {"c", 20 * time.Millisecond}} {
		hub.Spawn("sleeper "+s.name, func(co Co) error {
			if err := co.Sleep(s.d); err != nil {
				return err
			}
			woke = append(woke, fmt.Sprintf("%s (slept %v) woke after %v", s.name, s.d, time.Since(start).Round(time.Millisecond)))
			return nil
		})
	}

	if err := l.Run(); err != nil { // returns when every coroutine has finished
		return err
	}
	if hub.Live() > 0 {
		fmt.Fprintf(out, "the loop ended with %d coroutines not finished\n", hub.Live())
	}
	closeListener() // clients still waiting, if the acceptor never ran, fail now
	r := <-echoed

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "what\twhat came back\n")
	echo := fmt.Sprintf("all echoed, in %v", r.took.Round(time.Millisecond))
	if r.err != nil {
		echo = "failed: " + firstLine(r.err.Error())
	}
	fmt.Fprintf(tw, "%d echo clients, %d KiB each\t%s\n", clients, size>>10, echo)
	fmt.Fprintf(tw, "BeerThenFruit\t%s\n", fetched[0])
	fmt.Fprintf(tw, "BeerThenFruit, fruit's server resets\t%s\n", fetched[1])
	tw.Flush()
	fmt.Fprintf(out, "three sleepers, spawned a, b, c: %s\n\n", strings.Join(woke, "; "))

	demo.PrintCodeSize(out, "tutorials/05-callbacks/solution/pyramid.go", "tutorials/07-coroutines/straight.go")
	fmt.Fprintln(out, "\nThe same two functions as step 05's, as straight-line code: each step follows the one\n"+
		"before, results are return values, and every wait is a park on the same loop.\n"+
		"  diff -u tutorials/05-callbacks/solution/pyramid.go tutorials/07-coroutines/straight.go")
	return r.err
}

// outcome words what BeerThenFruit returned.
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
