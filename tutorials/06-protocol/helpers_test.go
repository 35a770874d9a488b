package main

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/tutorials/internal/linechat"
)

// A fakeTransport is a protocol.Transport without a socket, for the checks
// that need no network (protocol.Transport is an interface for this). It
// behaves as the real one does where the checks look: what is written
// waits in its buffer until the check drains it to the "wire", and with a
// protocol to tell (flow), it calls PauseWriting when the buffer goes above
// the high-water mark and ResumeWriting when it is drained to the low one.
type fakeTransport struct {
	flow      protocol.FlowControl // told of pauses; nil: no flow control
	high, low int
	buffered  []byte // written, not yet drained
	wire      []byte // drained: what the peer has read
	paused    bool   // PauseWriting was called, ResumeWriting not yet
	maxBuf    int    // the largest the buffer was after a Write
	closes    int
	aborts    int
}

var _ protocol.Transport = (*fakeTransport)(nil)

// Write buffers data, then pauses the protocol if the buffer is above the
// high-water mark, as the real transport's maybePauseWriting does: inside
// Write, before it returns.
func (f *fakeTransport) Write(data []byte) {
	f.buffered = append(f.buffered, data...)
	f.maxBuf = max(f.maxBuf, len(f.buffered))
	if f.flow != nil && !f.paused && len(f.buffered) > f.high {
		f.paused = true
		f.flow.PauseWriting()
	}
}

// drain moves up to n bytes of the buffer to the wire (the peer read
// them), then resumes the protocol if the buffer is down to the low mark.
func (f *fakeTransport) drain(n int) {
	n = min(n, len(f.buffered))
	f.wire = append(f.wire, f.buffered[:n]...)
	f.buffered = f.buffered[n:]
	if f.paused && len(f.buffered) <= f.low {
		f.paused = false
		f.flow.ResumeWriting()
	}
}

func (f *fakeTransport) WriteEOF()      {}
func (f *fakeTransport) Close()         { f.closes++ }
func (f *fakeTransport) Abort()         { f.aborts++ }
func (f *fakeTransport) PauseReading()  {}
func (f *fakeTransport) ResumeReading() {}
func (f *fakeTransport) SetWriteBufferLimits(high, low int) error {
	f.high, f.low = high, low
	return nil
}
func (f *fakeTransport) WriteBufferSize() int      { return len(f.buffered) }
func (f *fakeTransport) LocalAddr() netip.AddrPort { return netip.MustParseAddrPort("127.0.0.1:7006") }
func (f *fakeTransport) RemoteAddr() netip.AddrPort {
	return netip.MustParseAddrPort("127.0.0.1:50000")
}

// A lineRecorder is a linechat.Handler that keeps the lines it is given.
type lineRecorder struct{ lines []string }

func (r *lineRecorder) Opened(linechat.Lines) {}
func (r *lineRecorder) LineReceived(_ linechat.Lines, line string) {
	r.lines = append(r.lines, line)
}
func (r *lineRecorder) Closed(linechat.Lines, error) {}

// errorKind names an error for a trace: what matters is which error, not
// its wording.
func errorKind(err error) string {
	switch {
	case err == nil:
		return "nil"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "reset"
	}
	return fmt.Sprintf("error %q", err)
}
