//go:build linux || freebsd || netbsd || openbsd || dragonfly

package looptest

import "golang.org/x/sys/unix"

// newPipe returns a non-blocking, close-on-exec pipe: fds[0] is the read
// end, fds[1] the write end. The flags are set by the call that makes the
// fds, so that no fork in between can inherit them.
func newPipe() (fds [2]int, err error) {
	err = unix.Pipe2(fds[:], unix.O_NONBLOCK|unix.O_CLOEXEC)
	return fds, err
}

// newSocketpair returns two connected, non-blocking, close-on-exec Unix
// stream sockets.
func newSocketpair() ([2]int, error) {
	return unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
}
