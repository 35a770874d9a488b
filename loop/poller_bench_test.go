package loop_test

import (
	"fmt"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/loop"
)

// BenchmarkPollIdle measures one Wait(0) on a poller watching idle fds
// (socket pairs with nothing to read) and one ready fd: the price of asking
// the kernel, as the number of fds watched grows. select and poll hand the
// kernel every fd on every call; epoll and kqueue only collect what is
// ready.
func BenchmarkPollIdle(b *testing.B) {
	for _, name := range loop.Backends() {
		for _, idle := range []int{10, 100, 1000} {
			b.Run(fmt.Sprintf("%s/idle=%d", name, idle), func(b *testing.B) {
				benchmarkPollIdle(b, name, idle)
			})
		}
	}
}

func benchmarkPollIdle(b *testing.B, name string, idle int) {
	ensureOpenFiles(b, idle+64)
	p, err := loop.NewPoller(name)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	// The ready fd first, so that the idle ones take the numbers above it
	// (select can watch fds below FD_SETSIZE only).
	ready := benchSocketpair(b)
	if _, err := unix.Write(ready[1], []byte{'x'}); err != nil {
		b.Fatal(err)
	}
	benchRegister(b, p, ready[0])
	for range idle / 2 {
		pair := benchSocketpair(b)
		benchRegister(b, p, pair[0])
		benchRegister(b, p, pair[1])
	}
	events := make([]loop.Event, 64)
	p.Wait(0, events) // the first Wait sizes the backend's buffers
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		n, err := p.Wait(0, events)
		if err != nil || n != 1 {
			b.Fatalf("Wait(0) = %d, %v; want 1, nil", n, err)
		}
	}
}

// ensureOpenFiles raises the soft RLIMIT_NOFILE to the hard one if fewer
// than n fds may be open, and skips the benchmark if even that is too few.
func ensureOpenFiles(b *testing.B, n int) {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		b.Fatal(err)
	}
	if atLeast(lim.Cur, n) {
		return
	}
	lim.Cur = lim.Max
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lim); err != nil || !atLeast(lim.Cur, n) {
		b.Skipf("needs %d open fds; RLIMIT_NOFILE allows %d (%v)", n, lim.Cur, err)
	}
}

// atLeast compares a limit with n. Rlimit's fields are uint64 on Linux and
// macOS but int64 on FreeBSD and DragonFly.
func atLeast[T int64 | uint64](limit T, n int) bool { return limit >= T(n) }

func benchSocketpair(b *testing.B) [2]int {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		unix.Close(fds[0])
		unix.Close(fds[1])
	})
	return fds
}

// benchRegister watches fd for reading, or skips the benchmark if the
// backend cannot watch it (select: fd >= FD_SETSIZE).
func benchRegister(b *testing.B, p loop.Poller, fd int) {
	if limiter, ok := p.(loop.FDLimiter); ok && fd >= limiter.MaxFD() {
		b.Skipf("fd %d is past the limit of this backend (%d)", fd, limiter.MaxFD())
	}
	if err := p.Register(fd, loop.Readable); err != nil {
		b.Fatal(err)
	}
}
