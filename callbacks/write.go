package callbacks

import (
	"fmt"
	"os"

	"github.com/loopkit/loopkit/internal/sock"
)

// A pendingDone is the done callback of a write whose bytes were buffered:
// it is due once the connection has flushed until bytes in all.
type pendingDone struct {
	until uint64
	fn    func(error)
}

// keepBuffer is the largest outgoing buffer kept for reuse once it empties.
// A connection that once had to buffer a megabyte for a slow peer gives the
// memory back; the usual few kilobytes are kept, so that a steady stream of
// small writes does not allocate. (evio keeps its buffer up to 4 KiB.)
const keepBuffer = 64 << 10

// Write sends data to the peer. It never blocks: it writes at once what the
// kernel takes, and copies the rest to the connection's outgoing buffer,
// which the loop flushes as the peer reads. data may be reused as soon as
// Write returns.
//
// done, which may be nil, is called once: with nil when all of data has
// reached the kernel (not the peer: TCP still has to deliver it), or with
// the error that kept it from getting there. It is never called from inside
// Write, always later from the loop, so the code after Write runs first.
// A write on a connection that a failure closed gives done that failure;
// with no done it is dropped, since the failure went to OnRead and OnClose
// already. A write after your own Close or CloseWrite is a mistake: it gives
// done an error wrapping ErrClosed, or, with no done, reports one to the
// loop's error handler.
//
// Nothing bounds the buffer: watch Buffered (or OnFlush) and stop writing
// while the peer is not reading, or memory grows without limit. Package
// protocol does that for you with PauseWriting.
//
// Cost: with nothing buffered, one write system call and no allocation; the
// loop is asked to watch for writability only while bytes are buffered.
func (c *Conn) Write(data []byte, done func(error)) {
	if err := c.checkWrite(); err != nil {
		c.refuseWrite(done, err)
		return
	}
	if c.Buffered() == 0 {
		n, err := c.writeNow(data)
		if err != nil {
			c.writeFailed(err, done)
			return
		}
		data = data[n:]
		if len(data) == 0 {
			if done != nil {
				callSoon(c.loop, done, nil)
			}
			return
		}
	}
	c.buffer(data, done)
	c.updateWriting()
}

// Buffered returns the number of bytes accepted by Write and not yet handed
// to the kernel.
func (c *Conn) Buffered() int { return len(c.out) - c.sent }

// OnFlush makes fn the flush callback: it is called each time the loop moves
// bytes from the outgoing buffer to the kernel, with the number still
// buffered. Buffered 0 is Node's 'drain': the peer caught up (it is called
// for the last flush of a Close too). It is not called for writes that went
// out at once, since nothing was buffered. It is
// the hook for flow control: package protocol resumes a paused writer from
// it once the buffer is below its low-water mark.
func (c *Conn) OnFlush(fn func(buffered int)) { c.onFlush = fn }

// checkWrite returns why the connection takes no more writes, if it does not.
func (c *Conn) checkWrite() error {
	switch {
	case c.failure != nil:
		return c.failure
	case c.closed || c.closing:
		return fmt.Errorf("callbacks: write to %s after Close: %w", c.remote, ErrClosed)
	case c.shutWrite:
		return fmt.Errorf("callbacks: write to %s after CloseWrite: %w", c.remote, ErrClosed)
	}
	return nil
}

// refuseWrite tells done why the write was refused; see Write for where the
// error goes without one.
func (c *Conn) refuseWrite(done func(error), err error) {
	switch {
	case done != nil:
		callSoon(c.loop, done, err)
	case c.failure == nil:
		c.loop.ReportError(err)
	}
}

// writeNow writes what the kernel takes of data at once. The kernel's send
// buffer being full (EAGAIN) is not an error: it took 0 bytes.
func (c *Conn) writeNow(data []byte) (int, error) {
	if len(data) == 0 {
		return 0, nil // no system call for nothing
	}
	n, err := sock.Write(c.fd, data)
	if err != nil && !sock.WouldBlock(err) {
		return 0, err
	}
	return n, nil
}

// writeFailed tells the done of the failed write, then breaks the
// connection: a write fails for good only when the connection is gone
// (EPIPE, ECONNRESET).
func (c *Conn) writeFailed(errno error, done func(error)) {
	err := fmt.Errorf("callbacks: write to %s: %w", c.remote, os.NewSyscallError("write", errno))
	if done != nil {
		callSoon(c.loop, done, err)
	}
	c.fail(err)
}

// buffer copies data to the end of the outgoing buffer. If the buffer must
// grow and its head was already sent, the unsent bytes move to the front
// first: a buffer that is always partly full does not grow for ever.
func (c *Conn) buffer(data []byte, done func(error)) {
	if c.sent > 0 && cap(c.out)-len(c.out) < len(data) {
		n := copy(c.out, c.out[c.sent:])
		c.out = c.out[:n]
		c.sent = 0
	}
	c.out = append(c.out, data...)
	c.accepted += uint64(len(data))
	if done != nil {
		c.dones = append(c.dones, pendingDone{until: c.accepted, fn: done})
	}
}

// updateWriting makes the loop's writer of fd match the buffer: registered
// while bytes are buffered, and only then. A writer registered with nothing
// to write would wake the loop at every iteration, since a socket is
// writable almost always.
func (c *Conn) updateWriting() {
	want := c.Buffered() > 0 && !c.closed
	switch {
	case want && !c.writing:
		if err := c.loop.AddWriter(c.fd, c.writableFn); err != nil {
			c.fail(fmt.Errorf("callbacks: writing to %s: %w", c.remote, err))
			return
		}
		c.writing = true
	case !want && c.writing:
		c.loop.RemoveWriter(c.fd)
		c.writing = false
	}
}

// writable is the loop's writer of fd, registered while bytes are buffered.
// It does, in this order:
//   - write as much of the buffer as the kernel takes;
//   - queue the done of each write now wholly in the kernel;
//   - if the buffer is empty: stop watching, and finish a CloseWrite or a
//     Close that waited for the flush;
//   - tell the flush callback how much is left.
func (c *Conn) writable() {
	n, err := c.writeNow(c.out[c.sent:])
	if err != nil {
		c.fail(fmt.Errorf("callbacks: write to %s: %w", c.remote, os.NewSyscallError("write", err)))
		return
	}
	c.sent += n
	c.flushed += uint64(n)
	c.completeDones()
	if c.Buffered() == 0 {
		c.emptied()
	}
	if n > 0 && c.onFlush != nil && c.failure == nil {
		c.onFlush(c.Buffered()) // last, as user code: it may Write, Close or panic
	}
}

// completeDones queues the done callbacks whose bytes are all flushed.
func (c *Conn) completeDones() {
	k := 0
	for k < len(c.dones) && c.dones[k].until <= c.flushed {
		callSoon(c.loop, c.dones[k].fn, nil)
		k++
	}
	if k == 0 {
		return
	}
	n := copy(c.dones, c.dones[k:])
	clear(c.dones[n:])
	c.dones = c.dones[:n]
}

// emptied resets the drained buffer (dropping it if it grew large), stops
// watching for writability, and does the shutdown or close that waited.
func (c *Conn) emptied() {
	c.out, c.sent = c.out[:0], 0
	if cap(c.out) > keepBuffer {
		c.out = nil
	}
	c.updateWriting()
	switch {
	case c.closing:
		c.teardown(nil, false)
	case c.shutWrite && !c.wroteEOF:
		c.shutdownWrite()
	}
}
