package process

import (
	"errors"
	"io"

	"github.com/loopkit/loopkit/loop"
)

// A Protocol is a child process in the protocol style: one object whose
// methods the loop calls, asyncio's SubprocessProtocol. The loop calls
// them on its goroutine, in the order things happened; a child's exit and
// the end of its output may come in either order.
type Protocol interface {
	// PipeDataReceived is called with each chunk the child writes to its
	// fd 1 (stdout) or 2 (stderr). data is valid only during the call.
	PipeDataReceived(fd int, data []byte)
	// PipeConnectionLost is called once per pipe when the child closed
	// its end (err nil) or reading failed (err).
	PipeConnectionLost(fd int, err error)
	// ProcessExited is called once the child has exited and been reaped.
	ProcessExited(st Status)
}

// StartProtocol starts cmd as Start does, and hands what the child writes
// to stdout and stderr (those cmd pipes), and its exit, to proto.
func StartProtocol(l *loop.Loop, cmd Command, proto Protocol) (*Process, error) {
	p, err := Start(l, cmd)
	if err != nil {
		return nil, err
	}
	for fd, pipe := range []*Pipe{1: p.Stdout, 2: p.Stderr} {
		if pipe != nil {
			pipe.OnRead(func(data []byte, err error) {
				switch {
				case errors.Is(err, io.EOF):
					proto.PipeConnectionLost(fd, nil)
				case err != nil:
					proto.PipeConnectionLost(fd, err)
				default:
					proto.PipeDataReceived(fd, data)
				}
			})
		}
	}
	p.OnExit(proto.ProcessExited)
	return p, nil
}
