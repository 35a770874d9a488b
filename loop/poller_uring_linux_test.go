//go:build linux

package loop

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/uring"
)

// TestUringListedOnlyWhereItWorks fakes the probe both ways: where
// io_uring is refused, Backends has no uring, the others stay, and asking
// for uring says why it cannot be had rather than "unknown backend".
func TestUringListedOnlyWhereItWorks(t *testing.T) {
	refused := fmt.Errorf("uring: %w: faked (%w)", uring.ErrUnavailable, unix.EPERM)
	tests := []struct {
		name  string
		probe error
		want  []string
	}{
		{"works", nil, []string{"epoll", "uring", "poll", "select"}},
		{"refused", refused, []string{"epoll", "poll", "select"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			saved := backends
			defer func() { backends = saved }()
			backends = linuxBackends(func() error { return tt.probe })
			if diff := cmp.Diff(tt.want, Backends()); diff != "" {
				t.Errorf("Backends() with probe() = %v (-want +got):\n%s", tt.probe, diff)
			}
			_, err := NewPoller("uring")
			if tt.probe != nil && (!errors.Is(err, unix.EPERM) || !strings.Contains(err.Error(), "cannot be used here")) {
				t.Errorf("NewPoller(uring) where refused = %v, want the refusal, saying why", err)
			}
		})
	}
}

// TestUringDropReleasesTheFile: a poll request holds the open file, so a
// socket dropped and closed must not wait for the next Wait to be really
// closed. The peer must see the end of the stream with no Wait between.
func TestUringDropReleasesTheFile(t *testing.T) {
	p, err := newUring()
	if errors.Is(err, uring.ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatalf("newUring() = %v", err)
	}
	defer p.Close()
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(pair[1])
	if err := p.Register(pair[0], Readable); err != nil {
		t.Fatalf("Register(%d, Readable) = %v", pair[0], err)
	}
	if n, err := p.Wait(0, make([]Event, 1)); n != 0 || err != nil {
		t.Fatalf("Wait(0) = %d, %v; want 0, nil (nothing was written)", n, err)
	}
	if err := p.Register(pair[0], 0); err != nil {
		t.Fatalf("Register(%d, 0) = %v", pair[0], err)
	}
	unix.Close(pair[0])
	fds := []unix.PollFd{{Fd: int32(pair[1]), Events: unix.POLLIN}}
	if n, err := unix.Poll(fds, int(5*time.Second/time.Millisecond)); n != 1 || err != nil {
		t.Fatalf("the peer of a dropped and closed socket saw no end of stream in 5s (poll = %d, %v): "+
			"the removed poll request still holds the file", n, err)
	}
}

// TestUringWakesTheWriterOfAHalfClosedSocket: the kernel completes every
// poll request at once on a socket whose peer has shut down its writing
// (it adds POLLRDHUP), so a writer waiting to flush to that peer must
// still be reported writable once the peer drains the socket.
func TestUringWakesTheWriterOfAHalfClosedSocket(t *testing.T) {
	p, err := newUring()
	if errors.Is(err, uring.ErrUnavailable) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatalf("newUring() = %v", err)
	}
	defer p.Close()
	pair, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(pair[0])
	defer unix.Close(pair[1])
	if err := unix.Shutdown(pair[1], unix.SHUT_WR); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	for {
		if _, err := unix.Write(pair[0], buf); err != nil {
			break // the send buffer is full
		}
	}
	if err := p.Register(pair[0], Writable); err != nil {
		t.Fatalf("Register(%d, Writable) = %v", pair[0], err)
	}
	ready := make([]Event, 1)
	if n, err := p.Wait(0, ready); n != 0 || err != nil {
		t.Fatalf("Wait(0) with the send buffer full = %d, %v; want 0, nil", n, err)
	}
	// The peer drains while Wait blocks: a request that completed at once
	// and was not replaced by one that waits would miss the wake-up.
	go func() {
		for {
			if _, err := unix.Read(pair[1], buf); err != nil {
				return
			}
		}
	}()
	n, err := p.Wait(5*time.Second, ready)
	if err != nil {
		t.Fatalf("Wait while the peer drains = %v", err)
	}
	want := []Event{{FD: pair[0], Events: Writable}}
	if diff := cmp.Diff(want, ready[:n]); diff != "" {
		t.Errorf("Wait while the half-closed peer drains the socket (-want +got):\n%s", diff)
	}
}
