package callbacks

import "errors"

// ErrClosed is wrapped by the errors of operations on a connection after
// its Close, CloseWrite or Abort: a write after Close, the done of a write
// that Abort dropped. Test for it with errors.Is.
var ErrClosed = errors.New("callbacks: connection closed")
