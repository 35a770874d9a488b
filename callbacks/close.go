package callbacks

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/sock"
)

// OnClose makes fn the close callback: it is called once, after the
// connection's fd is closed and its waiters removed, with nil after Close or
// Abort, or with the error that broke the connection (the same error OnRead
// got). If the connection is closed already, fn is called at once, from
// the loop. It is Node's 'close' event, and where package protocol calls
// ConnectionLost.
func (c *Conn) OnClose(fn func(err error)) {
	c.onClose = fn
	if c.closed && fn != nil {
		callSoon(c.loop, fn, c.failure)
	}
}

// CloseWrite shuts down our sending half once the buffered bytes are
// written: the peer reads end of file, and can still send to us (a
// half-close, shutdown(SHUT_WR)). Writes after it are refused. Reading goes
// on; Close when you are done.
func (c *Conn) CloseWrite() {
	if c.closed || c.shutWrite {
		return
	}
	c.shutWrite = true
	if c.Buffered() == 0 {
		c.shutdownWrite()
	}
}

// shutdownWrite sends our FIN. It fails only if the connection is gone
// already (ENOTCONN after a reset).
func (c *Conn) shutdownWrite() {
	c.wroteEOF = true
	if err := sock.CloseWrite(c.fd); err != nil {
		c.fail(fmt.Errorf("callbacks: CloseWrite to %s: %w", c.remote, err))
	}
}

// Close stops reading at once, writes what is buffered, then closes the
// connection; OnClose is called then. OnRead is not called again. Writes
// after Close are refused.
//
// Close waits for the buffer to flush, so a peer that never reads keeps the
// connection open for ever: use Abort to give up on it. (Node's end()
// behaves so too; servers pair it with a timer.)
func (c *Conn) Close() {
	if c.closed || c.closing {
		return
	}
	c.closing = true
	c.readDone = true
	c.updateReading()
	if c.Buffered() == 0 {
		c.teardown(nil, false)
	}
}

// Abort closes the connection at once: the buffered bytes are dropped (each
// pending done gets an error wrapping ErrClosed) and the peer gets a reset
// (RST) instead of an orderly end of stream. OnClose is called with nil.
func (c *Conn) Abort() {
	if c.closed {
		return
	}
	c.readDone = true
	c.teardown(nil, true)
}

// fail closes the connection because of err: a reset, a failed write, a
// waiter the poller refused.
func (c *Conn) fail(err error) {
	c.teardown(err, false)
}

// teardown is the one way a connection ends, whichever path leads here, and
// it runs once. It does, in this order:
//   - remove the fd's waiters, while the fd is still open: once closed, its
//     number can be reused at once by the next accept, and a removal then
//     would hit the new connection (and select and poll would report the
//     closed fd as an error at every poll);
//   - close the fd (with a reset, for Abort);
//   - tell every callback that waits: the pending dones, the read callback
//     (only for a failure), the close callback, all from the loop, later;
//     a failure no callback waits for goes to the loop's error handler.
func (c *Conn) teardown(failure error, abort bool) {
	if c.closed {
		return
	}
	c.closed = true
	c.failure = failure
	c.updateReading()
	c.updateWriting()
	c.closeFD(abort)
	c.tell(failure)
}

// closeFD closes the fd, which the loop no longer watches.
func (c *Conn) closeFD(abort bool) {
	var err error
	if abort {
		err = sock.Abort(c.fd)
	} else {
		err = unix.Close(c.fd)
	}
	if err != nil {
		c.loop.ReportError(fmt.Errorf("callbacks: closing the connection to %s: %w", c.remote, os.NewSyscallError("close", err)))
	}
	c.fd = -1
}

// tell queues the callbacks that wait for the end of the connection.
func (c *Conn) tell(failure error) {
	told := false
	if len(c.dones) > 0 {
		err := failure
		if err == nil {
			err = fmt.Errorf("callbacks: connection to %s aborted with %d bytes unsent: %w", c.remote, c.Buffered(), ErrClosed)
		}
		for _, d := range c.dones {
			callSoon(c.loop, d.fn, err)
		}
		told = true
	}
	c.dones, c.out, c.sent = nil, nil, 0
	if failure != nil && c.onRead != nil && !c.readDone {
		c.readDone = true
		callSoon(c.loop, c.readFailed, failure)
		told = true
	}
	if c.onClose != nil {
		callSoon(c.loop, c.onClose, failure)
		told = true
	}
	if failure != nil && !told {
		c.loop.ReportError(failure)
	}
}

// readFailed gives the read callback the error that broke the connection.
func (c *Conn) readFailed(err error) {
	if c.onRead != nil {
		c.onRead(nil, err)
	}
}
