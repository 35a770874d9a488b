package looptest

import "github.com/loopkit/loopkit/loop"

// Stage 4-HangUp: when the other end goes away, whoever waits on this end
// must wake, reader and writer alike, and find out from their next read or
// write. A poller that reports a hang-up as readable only leaves a writer
// waiting for ever for room that will never come.
//
// The writer checks fill the buffer first: a socket with room is writable
// anyway, and would pass without any hang-up.

func checkSocketPeerClosedWakesReader(h *pollerHarness) {
	a, b := h.socketpair("")
	h.register(a, readable)
	h.expectWait(0, noEvents, "nothing was written to the socket")
	h.closeFD(b)
	h.expectWait(h.s.patience, []loop.Event{{FD: a, Events: readable}},
		"the peer socket was closed: a read returns EOF at once")
}

func checkSocketPeerClosedWakesWriter(h *pollerHarness) {
	a, b := h.socketpair("")
	h.fill(a)
	h.register(a, writable)
	h.expectWait(0, noEvents, "the socket was written to until write failed with EAGAIN")
	h.closeFD(b)
	h.expectWait(h.s.patience, []loop.Event{{FD: a, Events: writable}},
		"the peer socket was closed: a write fails with EPIPE at once")
}

func checkSocketPeerClosedWakesReaderAndWriter(h *pollerHarness) {
	a, b := h.socketpair("")
	h.fill(a)
	h.register(a, both)
	h.expectWait(0, noEvents, "the socket has nothing to read and no room to write")
	h.closeFD(b)
	h.expectWait(h.s.patience, []loop.Event{{FD: a, Events: both}},
		"the peer socket was closed: both the reader and the writer must wake")
}

func checkPipeWriterClosedWakesReader(h *pollerHarness) {
	r, w := h.pipe()
	h.register(r, readable)
	h.expectWait(0, noEvents, "nothing was written to the pipe")
	h.closeFD(w)
	h.expectWait(h.s.patience, []loop.Event{{FD: r, Events: readable}},
		"the write end was closed: a read returns EOF at once")
}

func checkPipeReaderClosedWakesWriter(h *pollerHarness) {
	r, w := h.pipe()
	h.fill(w)
	h.register(w, writable)
	h.expectWait(0, noEvents, "the pipe was written to until write failed with EAGAIN")
	h.closeFD(r)
	h.expectWait(h.s.patience, []loop.Event{{FD: w, Events: writable}},
		"the read end was closed: a write fails with EPIPE at once")
}
