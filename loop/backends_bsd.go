//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package loop

// backends on the BSDs and macOS: kqueue scales with the number of ready
// fds, not with the number watched, so it comes first.
var backends = []backend{
	{name: "kqueue", open: newKqueue},
	{name: "poll", open: newPoll},
	{name: "select", open: newSelect},
}
