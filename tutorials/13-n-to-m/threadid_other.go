//go:build !linux

package main

// threadID returns 0, false: only Linux has gettid(2). The BSDs and macOS
// have thread ids too, but not through a system call that golang.org/x/sys
// offers on every one of them.
func threadID() (int, bool) { return 0, false }
