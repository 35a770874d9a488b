package watch_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/watch"
)

// A program puts its loop under a watcher with three calls, and prints
// the page's address for a browser. With no page open the loop runs as it
// would without the watcher.
func Example() {
	w, err := watch.Listen("127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer w.Close()
	l, err := loop.New(loop.WithObserver(w))
	if err != nil {
		panic(err)
	}
	defer l.Close()
	w.Attach(l)
	hub := coroutines.NewHub(l)
	w.AttachHub(hub)
	w.SetTitle("a coroutine that sleeps")

	fmt.Println("page served:", strings.HasPrefix(w.URL(), "http://127.0.0.1:"))
	hub.Spawn(func(ctx context.Context) error {
		if err := coroutines.Sleep(ctx, time.Millisecond); err != nil {
			return err
		}
		fmt.Println("slept")
		return nil
	})
	if err := hub.Run(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// page served: true
	// slept
}
