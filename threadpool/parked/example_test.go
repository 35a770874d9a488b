package parked_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/threadpool"
	"github.com/loopkit/loopkit/threadpool/parked"
)

// A coroutine hands a blocking function to the pool and parks until its
// result is back; the other coroutine runs meanwhile, so its line comes
// first.
func ExampleApply() {
	l, err := loop.New()
	if err != nil {
		panic(err)
	}
	defer l.Close()
	h := coroutines.NewHub(l)
	defer h.Close()
	pool, err := threadpool.New(l)
	if err != nil {
		panic(err)
	}
	h.Spawn(func(ctx context.Context) error {
		shout, err := parked.Apply(ctx, pool, func() (string, error) {
			return strings.ToUpper("blocking work, done on a worker"), nil // say, a read of a file
		})
		fmt.Println(shout, err)
		return err
	})
	h.Spawn(func(ctx context.Context) error {
		fmt.Println("the other coroutine ran meanwhile")
		return nil
	})
	if err := h.Run(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// the other coroutine ran meanwhile
	// BLOCKING WORK, DONE ON A WORKER <nil>
}
