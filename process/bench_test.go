package process

import (
	"testing"

	"github.com/loopkit/loopkit/loop"
)

// BenchmarkStart measures what Start costs the loop: the PATH lookup, two
// pipes, the fork and exec of true, and the pidfd, all on the loop
// goroutine (then, off the clock, the child's exit and its reaping).
//
//	go test -run '^$' -bench Start -benchtime 300x ./process/
func BenchmarkStart(b *testing.B) {
	l, err := loop.New()
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	for b.Loop() {
		p, err := Start(l, Command{Args: []string{"true"}, Stdout: true})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		p.Stdout.OnRead(func([]byte, error) {})
		if err := l.Run(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
