package protocol

import "errors"

// ErrPanicked is wrapped by the error ConnectionLost gets when a method of
// the protocol panicked and the transport aborted the connection. The
// panic itself, with its stack, went to the loop's error handler.
var ErrPanicked = errors.New("protocol method panicked")
