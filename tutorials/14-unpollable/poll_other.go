//go:build !linux

package main

// epollName is the row of the demo's table for epoll, which is Linux's.
const epollName = "epoll"

// epollSays says that there is no epoll here. (kqueue accepts a regular
// file: its EVFILT_READ fires while the offset is short of the end, which
// says nothing of the disk either.)
func epollSays(int) string { return "Linux only" }
