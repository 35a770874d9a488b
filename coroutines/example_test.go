package coroutines_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

// A producer and a consumer meet at a queue. Each runs until it would
// block, then the other runs: the order of the lines is the same every
// time.
func Example() {
	l, err := loop.New()
	if err != nil {
		panic(err)
	}
	defer l.Close()
	h := coroutines.NewHub(l)
	defer h.Close()

	q := coroutines.NewQueue[string](1)
	h.Spawn(func(ctx context.Context) error {
		for _, word := range []string{"one", "two", "three"} {
			fmt.Println("put", word)
			if err := q.Put(ctx, word); err != nil {
				return err
			}
		}
		q.Close()
		return nil
	})
	h.Spawn(func(ctx context.Context) error {
		for {
			word, err := q.Get(ctx)
			if errors.Is(err, coroutines.ErrQueueClosed) {
				return nil
			}
			fmt.Println("got", word)
		}
	})
	if err := h.Run(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// put one
	// put two
	// got one
	// got two
	// put three
	// got three
}

// gevent's `with Timeout(0.01): q.get()`.
func ExampleTimeout() {
	l, err := loop.New()
	if err != nil {
		panic(err)
	}
	defer l.Close()
	h := coroutines.NewHub(l)
	defer h.Close()

	co := h.Spawn(func(ctx context.Context) error {
		q := coroutines.NewQueue[int](0)
		return coroutines.Timeout(ctx, 10*time.Millisecond, func(ctx context.Context) error {
			_, err := q.Get(ctx) // nobody puts
			return err
		})
	})
	err = h.RunUntil(co)
	fmt.Println(err)
	fmt.Println(errors.Is(err, coroutines.ErrTimeout))
	// Output:
	// coroutines: timeout after 10ms
	// true
}

// Map fetches (here: sleeps) through a pool of two, and keeps the order
// of its inputs whatever the order the calls finish in.
func ExampleMap() {
	l, err := loop.New()
	if err != nil {
		panic(err)
	}
	defer l.Close()
	h := coroutines.NewHub(l)
	defer h.Close()

	co := h.Spawn(func(ctx context.Context) error {
		delays := []int{30, 10, 20}
		out, err := coroutines.Map(ctx, coroutines.NewPool(2), delays, func(ctx context.Context, ms int) (string, error) {
			err := coroutines.Sleep(ctx, time.Duration(ms)*time.Millisecond)
			return fmt.Sprintf("%dms", ms), err
		})
		fmt.Println(out, err)
		return err
	})
	if err := h.RunUntil(co); err != nil {
		fmt.Println(err)
	}
	// Output:
	// [30ms 10ms 20ms] <nil>
}

// A coroutine waits on a queue nobody will put to: the loop runs out of
// things to wait for, and Run says who is stuck, on what, and where. Close
// then releases the stuck coroutine's goroutine.
func ExampleDeadlockError() {
	l, err := loop.New()
	if err != nil {
		panic(err)
	}
	defer l.Close()
	h := coroutines.NewHub(l)

	inbox := coroutines.NewQueue[string](0)
	h.Spawn(func(ctx context.Context) error {
		for {
			line, err := inbox.Get(ctx) // nobody puts to inbox
			if err != nil {
				return err
			}
			fmt.Println(line)
		}
	}).SetName("writer(alice)")
	err = h.Run()
	fmt.Println(err)
	var de *coroutines.DeadlockError
	if errors.As(err, &de) {
		for _, p := range de.Parked {
			fmt.Println(p.Name, "is parked on", p.What)
		}
	}
	fmt.Println(errors.Is(err, coroutines.ErrDeadlock))
	fmt.Println(h.Close())
	// Output:
	// coroutines: deadlock: 1 coroutine parked: writer(alice) on Queue.Get (example_test.go:123)
	// writer(alice) is parked on Queue.Get
	// true
	// <nil>
}
