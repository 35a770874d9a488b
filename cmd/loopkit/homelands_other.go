//go:build !linux

package main

import (
	"fmt"
	"io"
)

// homelandsCommand needs epoll, /proc and sched_setaffinity: Linux.
func homelandsCommand(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "loopkit compare --homelands: runs on Linux only (its client is on epoll, its figures come from /proc)")
	return 1
}
