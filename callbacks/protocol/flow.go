package protocol

import "fmt"

// Flow control: the transport watches its write buffer against two marks
// and tells a FlowControl protocol to pause above the high one and to
// resume at the low one. Two marks, not one, so that a buffer hovering
// around a single limit does not flap between pause and resume on every
// write (hysteresis). It is asyncio's _maybe_pause_protocol and
// _maybe_resume_protocol.

// SetWriteBufferLimits sets the marks; see Transport. A buffer already
// above the new high mark pauses the protocol at once.
func (t *transport) SetWriteBufferLimits(high, low int) error {
	if low < 0 || high < 0 || low > high {
		return fmt.Errorf("protocol: SetWriteBufferLimits(%d, %d): want 0 <= low <= high", high, low)
	}
	t.high, t.low = high, low
	t.maybePauseWriting()
	return nil
}

// maybePauseWriting pauses the protocol once the buffer is above the high
// mark. Called after each Write; a Write that went out at once leaves the
// buffer empty and costs one comparison.
func (t *transport) maybePauseWriting() {
	if t.flow == nil || t.writePaused || t.conn.Buffered() <= t.high {
		return
	}
	t.writePaused = true
	ok := false
	defer t.abortUnless(&ok, "PauseWriting")
	t.flow.PauseWriting()
	ok = true
}

// flushed is the connection's flush callback: it resumes a paused protocol
// once the buffer has drained to the low mark.
func (t *transport) flushed(buffered int) {
	if !t.writePaused || buffered > t.low {
		return
	}
	t.writePaused = false
	ok := false
	defer t.abortUnless(&ok, "ResumeWriting")
	t.flow.ResumeWriting()
	ok = true
}
