package coroutines_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

// A coroutine that ticks every 10 ms, parked between the ticks, until its
// function says it has had enough. (beats would be more than 1 on a tick
// the loop ran a period or more late: the ticks missed are not run.)
func ExampleEvery() {
	l, err := loop.New()
	if err != nil {
		panic(err)
	}
	defer l.Close()
	h := coroutines.NewHub(l)
	defer h.Close()

	enough := errors.New("enough")
	h.Spawn(func(ctx context.Context) error {
		ticks := 0
		err := coroutines.Every(ctx, 10*time.Millisecond, func(beats int) error {
			ticks++
			fmt.Println("tick", ticks)
			if ticks == 3 {
				return enough
			}
			return nil
		})
		fmt.Println("stopped:", err)
		return nil
	})
	if err := h.Run(); err != nil {
		panic(err)
	}
	// Output:
	// tick 1
	// tick 2
	// tick 3
	// stopped: enough
}
