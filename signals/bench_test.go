package signals

import (
	"os"
	"syscall"
	"testing"

	"github.com/loopkit/loopkit/loop"
	"golang.org/x/sys/unix"
)

// BenchmarkDelivery measures a signal's trip from kill(2) to its handler,
// run as a loop callback, and back to the benchmark's goroutine over a
// channel: the runtime's handler, os/signal's goroutine, the relay, the
// loop's wake-up fd, one poll, the ready queue.
//
//	go test -run '^$' -bench Delivery -benchtime 20000x ./signals/
func BenchmarkDelivery(b *testing.B) {
	for _, backend := range loop.Backends() {
		b.Run(backend, func(b *testing.B) {
			l, err := loop.New(loop.WithBackend(backend))
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			handled := make(chan struct{}, 1)
			h, err := Handle(l, syscall.SIGUSR1, func() { handled <- struct{}{} })
			if err != nil {
				b.Fatal(err)
			}
			h.Hold()
			ran := make(chan error, 1)
			go func() { ran <- l.Run() }()
			pid := os.Getpid()
			for b.Loop() {
				if err := unix.Kill(pid, syscall.SIGUSR1); err != nil {
					b.Fatal(err)
				}
				<-handled
			}
			l.CallSoonThreadSafe(h.Stop)
			if err := <-ran; err != nil {
				b.Fatal(err)
			}
		})
	}
}
