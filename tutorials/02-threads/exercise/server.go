// Package threads serves each connection on a goroutine of its own: you
// write it in tutorial step 02. Fill in the loop's body below; the step's
// README says how, and go test ./tutorials/02-threads checks it.
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
		// Step 01's server called echo(fd) right here, then closed fd,
		// and only then looped back to Accept.
		panic(fmt.Sprintf("TODO(step02): Serve: serve fd %d on a goroutine of its own: run echo, report its error, close the fd", fd))
	}
}
