package waiters_test

import (
	"fmt"

	"github.com/loopkit/loopkit/waiters"
)

// Example plays the part of the loop: add waiters, derive each fd's
// Events for the poller, and drop a stale event by its generation.
func Example() {
	s := waiters.New()
	s.AddReader(5, func() { fmt.Println("fd 5 is readable") })
	s.AddWriter(5, func() { fmt.Println("fd 5 is writable") })
	gen7 := s.AddReader(7, func() { fmt.Println("old fd 7 is readable") })
	for _, fd := range []int{5, 6, 7} {
		fmt.Printf("fd %d: interest %v\n", fd, s.Events(fd))
	}
	fmt.Println("waiters:", s.Len())

	// A poll said fd 7 is readable; the loop queued its reader with gen7.
	// Before its turn, an earlier callback closed fd 7, and a new socket
	// got number 7 and a reader of its own.
	s.RemoveReader(7)
	s.AddReader(7, func() { fmt.Println("new fd 7 is readable") })

	// The loop's turn: run the queued waiter only if it is still current.
	if w, ok := s.Reader(7); ok && w.Gen == gen7 {
		w.Func()
	} else {
		fmt.Println("stale event for fd 7 dropped")
	}
	if w, ok := s.Reader(5); ok {
		w.Func()
	}
	// Output:
	// fd 5: interest Readable|Writable
	// fd 6: interest 0
	// fd 7: interest Readable
	// waiters: 3
	// stale event for fd 7 dropped
	// fd 5 is readable
}
