//go:build linux

package loop

import "github.com/loopkit/loopkit/internal/uring"

// backends on Linux: epoll scales with the number of ready fds, not with
// the number watched, so it comes first. uring scales the same way and
// saves the system calls of interest changes, but needs Linux 5.11 and is
// often switched off (kernel.io_uring_disabled, a container's seccomp
// profile), so it comes second, and only where it works.
var backends = linuxBackends(probeUring)

// linuxBackends lists the backends; uring is refused, with probe's reason,
// unless probe finds that a ring can be set up here.
func linuxBackends(probe func() error) []backend {
	return []backend{
		{name: "epoll", open: newEpoll},
		{name: "uring", open: newUring, refused: probe()},
		{name: "poll", open: newPoll},
		{name: "select", open: newSelect},
	}
}

// probeUring sets up a small ring and closes it: the only sure way to know
// that io_uring works here, once per process. A seccomp filter gives no
// other sign.
func probeUring() error {
	ring, err := uring.New(1, 2)
	if err != nil {
		return err
	}
	return ring.Close()
}
