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
