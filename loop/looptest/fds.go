package looptest

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// The fds of the checks are pipes and Unix socket pairs only: they need no
// network, are ready or not ready exactly when the check says, and behave
// alike on every Unix.

// pipe makes a pipe: r is the read end, w the write end.
func (h *pollerHarness) pipe() (r, w int) {
	h.t.Helper()
	fds, err := newPipe()
	if err != nil {
		h.t.Fatalf("making a pipe: %v", err)
	}
	h.made(fds[0], "pipe read end")
	h.made(fds[1], "pipe write end")
	return fds[0], fds[1]
}

// socketpair makes two connected Unix stream sockets, named for messages
// "socket <name>A" and "socket <name>B".
func (h *pollerHarness) socketpair(name string) (a, b int) {
	h.t.Helper()
	fds, err := newSocketpair()
	if err != nil {
		h.t.Fatalf("making a socket pair: %v (too many open files? see ulimit -n)", err)
	}
	h.made(fds[0], "socket "+name+"A")
	h.made(fds[1], "socket "+name+"B")
	return fds[0], fds[1]
}

// made notes a new fd: named in messages, closed by cleanup.
func (h *pollerHarness) made(fd int, name string) {
	h.open[fd] = true
	h.names[fd] = name
}

// write writes one byte to fd, which makes its peer readable.
func (h *pollerHarness) write(fd int) {
	h.t.Helper()
	if _, err := unix.Write(fd, []byte{'x'}); err != nil {
		h.t.Fatalf("writing to %s: %v", h.fd(fd), err)
	}
}

// fill writes to fd until the kernel refuses (EAGAIN): then fd is not
// writable until its peer reads. Big writes fill most of the buffer, then
// one-byte writes take the last of it.
func (h *pollerHarness) fill(fd int) {
	h.t.Helper()
	buf := make([]byte, 64<<10)
	for total := 0; ; {
		n, err := unix.Write(fd, buf)
		switch {
		case err == unix.EAGAIN && len(buf) > 1:
			buf = buf[:1]
		case err == unix.EAGAIN:
			return
		case err == unix.EINTR:
		case err != nil:
			h.t.Fatalf("filling %s: %v after %d bytes", h.fd(fd), err, total)
		default:
			total += n
		}
		if total > 64<<20 {
			h.t.Fatalf("filling %s: 64 MiB written and still no EAGAIN: is it non-blocking?", h.fd(fd))
		}
	}
}

// drain reads fd until there is nothing left (EAGAIN) or the peer is gone.
func (h *pollerHarness) drain(fd int) {
	h.t.Helper()
	buf := make([]byte, 64<<10)
	for {
		n, err := unix.Read(fd, buf)
		switch {
		case err == unix.EAGAIN || (err == nil && n == 0):
			return
		case err == unix.EINTR:
		case err != nil:
			h.t.Fatalf("draining %s: %v", h.fd(fd), err)
		}
	}
}

// closeFD closes fd now; cleanup will not close the number again (by then
// it may name someone else's fd).
func (h *pollerHarness) closeFD(fd int) {
	h.t.Helper()
	if err := unix.Close(fd); err != nil {
		h.t.Fatalf("closing %s: %v", h.fd(fd), err)
	}
	delete(h.open, fd)
}

// dupAtLeast duplicates fd to the lowest free number >= min, close-on-exec.
// It fails if min is not below RLIMIT_NOFILE (EINVAL).
func (h *pollerHarness) dupAtLeast(fd, min int) (int, error) {
	nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, min)
	if err != nil {
		return -1, fmt.Errorf("fcntl(%d, F_DUPFD_CLOEXEC, %d): %w", fd, min, err)
	}
	h.made(nfd, fmt.Sprintf("dup of %s", h.fd(fd)))
	return nfd, nil
}
