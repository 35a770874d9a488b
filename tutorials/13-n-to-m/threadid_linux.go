//go:build linux

package main

import "golang.org/x/sys/unix"

// threadID returns the id of the OS thread running the caller (gettid(2)),
// and true.
func threadID() (int, bool) { return unix.Gettid(), true }
