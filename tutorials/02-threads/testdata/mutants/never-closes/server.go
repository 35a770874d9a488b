// Package threads is a known-wrong Serve for the checks of tutorial step
// 02: it never closes a connection.
package threads

import (
	"errors"
	"fmt"

	"github.com/loopkit/loopkit/tutorials/internal/listener"
)

// Serve accepts connections from ln until ln is closed, and runs echo on
// each in a goroutine of its own, so that no client waits for another.
// That goroutine closes the connection when echo returns, and hands echo's
// error, if any, to report. Serve returns nil once ln is closed; the
// goroutines of clients still connected go on until their clients leave.
func Serve(ln *listener.Listener, echo func(fd int) error, report func(error)) error {
	for {
		fd, err := ln.Accept()
		if errors.Is(err, listener.ErrClosed) {
			return nil
		}
		if err != nil {
			return err
		}
		go func() {
			if err := echo(fd); err != nil {
				report(fmt.Errorf("connection on fd %d: %w", fd, err))
			}
			// The mistake: fd is never closed. The client never sees end of
			// file, and the process runs out of fds in the end.
		}()
	}
}
