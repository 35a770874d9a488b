//go:build linux

package loop

// backends on Linux: epoll scales with the number of ready fds, not with
// the number watched, so it comes first.
var backends = []backend{
	{"epoll", newEpoll},
	{"poll", newPoll},
	{"select", newSelect},
}
