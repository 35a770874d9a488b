package main

import "golang.org/x/sys/unix"

// epollName is the row of the demo's table for epoll.
const epollName = "epoll_ctl(EPOLL_CTL_ADD)"

// epollSays asks epoll to watch fd: for a regular file, epoll_ctl refuses
// with EPERM, "the target file fd does not support epoll".
func epollSays(fd int) string {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return err.Error()
	}
	defer unix.Close(epfd)
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT, Fd: int32(fd)}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return err.Error() + " (" + unix.ErrnoName(err.(unix.Errno)) + ")"
	}
	return "accepted"
}
