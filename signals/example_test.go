package signals_test

import (
	"fmt"
	"os"
	"syscall"

	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/signals"
)

// A server's Ctrl-C: the handler runs on the loop goroutine, where it may
// close what the loop serves. Here the program sends itself the signal.
func ExampleHandle() {
	l, err := loop.New()
	if err != nil {
		panic(err)
	}
	defer l.Close()
	var h *signals.Handler
	h, err = signals.Handle(l, syscall.SIGINT, func() {
		fmt.Println("interrupted: closing the listener, the connections...")
		h.Stop() // the program ends at the next Ctrl-C
	})
	if err != nil {
		panic(err)
	}
	h.Hold() // this loop has nothing else to wait for
	l.CallSoon(func() {
		fmt.Println("serving")
		syscall.Kill(os.Getpid(), syscall.SIGINT)
	})
	if err := l.Run(); err != nil {
		fmt.Println(err)
	}
	fmt.Println("Run returned")
	// Output:
	// serving
	// interrupted: closing the listener, the connections...
	// Run returned
}

// SIGKILL cannot be handled, and the error says why.
func ExampleCheck() {
	fmt.Println(signals.Check(syscall.SIGKILL))
	// Output:
	// signals: SIGKILL (9) cannot be caught, blocked or ignored: the kernel acts on it without asking the process
}
