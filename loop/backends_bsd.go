//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package loop

// backends on the BSDs and macOS: kqueue scales with the number of ready
// fds, not with the number watched, so it comes first.
var backends = []backend{
	{"kqueue", newKqueue},
	{"poll", newPoll},
	{"select", newSelect},
}
