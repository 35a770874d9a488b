package main

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/tutorials/internal/listener"
)

// serve accepts connections one at a time and runs echo on each until its
// client leaves, then closes it. While it serves one client, the next waits
// in the kernel's queue of the listener: connected, but unanswered. It
// returns nil once the listener is closed, after the client it is serving
// (if any) leaves. report gets the errors of echo, one per connection.
func serve(ln *listener.Listener, echo func(fd int) error, report func(error)) error {
	for {
		fd, err := ln.Accept()
		if errors.Is(err, listener.ErrClosed) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := echo(fd); err != nil {
			report(fmt.Errorf("connection on fd %d: %w", fd, err))
		}
		unix.Close(fd)
	}
}
