//go:build !linux

package steptest

import "errors"

// canInterrupt is false: only Linux lets a check look inside one thread
// and signal it (see thread_linux.go).
const canInterrupt = false

var errNoThreads = errors.New("no thread inspection on this OS")

func cannotInspect() string                               { return errNoThreads.Error() }
func lockThread() int                                     { return 0 }
func threadSyscall(int) (nr int, args [6]uint64, ok bool) { return 0, args, false }
func isWrite(int) bool                                    { return false }
func interruptThread(int) error                           { return errNoThreads }
func queued(int) (int, error)                             { return 0, errNoThreads }
