package looptest

import (
	"github.com/loopkit/loopkit/loop"
)

// Stages 1-Register and 2-Readiness: what a poller is for.

const (
	readable = loop.Readable
	writable = loop.Writable
	both     = loop.Readable | loop.Writable
)

// noEvents is the answer of a Wait that finds nothing ready.
var noEvents = []loop.Event{}

func checkRegisterPipeAndSocketFds(h *pollerHarness) {
	r, w := h.pipe()
	a, _ := h.socketpair("")
	h.register(r, readable)
	h.register(w, writable)
	h.register(a, both)
}

func checkRegisterSameEventsTwice(h *pollerHarness) {
	a, _ := h.socketpair("")
	h.register(a, readable)
	h.register(a, readable) // epoll: MOD, not a second ADD (EEXIST)
}

func checkRegisterChangeEvents(h *pollerHarness) {
	a, _ := h.socketpair("")
	h.register(a, readable)
	h.register(a, writable)
	h.register(a, both)
	h.register(a, readable)
}

func checkRegisterDropTwice(h *pollerHarness) {
	r, _ := h.pipe()
	h.register(r, readable)
	h.drop(r)
	h.drop(r)
}

func checkRegisterDropNeverRegistered(h *pollerHarness) {
	r, _ := h.pipe()
	h.drop(r)
}

func checkNotReadableWhenEmpty(h *pollerHarness) {
	r, _ := h.pipe()
	h.register(r, readable)
	h.expectWait(0, noEvents, "nothing was written to the pipe")
}

func checkReadableAfterWrite(h *pollerHarness) {
	r, w := h.pipe()
	h.register(r, readable)
	h.write(w)
	h.expectWait(h.s.patience, []loop.Event{{FD: r, Events: readable}}, "one byte was written to the pipe")
}

func checkWritableWhenBufferHasRoom(h *pollerHarness) {
	a, _ := h.socketpair("")
	h.register(a, writable)
	h.expectWait(h.s.patience, []loop.Event{{FD: a, Events: writable}}, "nothing was ever written to the socket")
}

func checkNotWritableWhenFull(h *pollerHarness) {
	a, _ := h.socketpair("")
	h.fill(a)
	h.register(a, writable)
	h.expectWait(0, noEvents, "the socket was written to until write failed with EAGAIN")
}

func checkWritableAgainAfterPeerReads(h *pollerHarness) {
	a, b := h.socketpair("")
	h.fill(a)
	h.register(a, writable)
	h.expectWait(0, noEvents, "the socket was written to until write failed with EAGAIN")
	h.drain(b)
	h.expectWait(h.s.patience, []loop.Event{{FD: a, Events: writable}}, "the peer read everything, so there is room again")
}

func checkReadableAndWritableInOneEvent(h *pollerHarness) {
	a, b := h.socketpair("")
	h.write(b)
	h.register(a, both)
	h.expectWait(h.s.patience, []loop.Event{{FD: a, Events: both}},
		"the socket has a byte to read and room to write: both in one Event")
}

func checkOnlyRegisteredEventsReported(h *pollerHarness) {
	a, b := h.socketpair("")
	h.write(b)
	h.register(a, readable)
	h.expectWait(h.s.patience, []loop.Event{{FD: a, Events: readable}},
		"the socket is readable and writable, but registered for Readable only")
	h.register(a, writable)
	h.expectWait(h.s.patience, []loop.Event{{FD: a, Events: writable}},
		"the socket is readable and writable, but registered for Writable only")
}

func checkLevelTriggered(h *pollerHarness) {
	r, w := h.pipe()
	h.register(r, readable)
	h.write(w)
	want := []loop.Event{{FD: r, Events: readable}}
	h.expectWait(h.s.patience, want, "one byte was written to the pipe")
	h.expectWait(h.s.patience, want, "the byte was not read, so the pipe is still readable (level-triggered)")
	h.drain(r)
	h.expectWait(0, noEvents, "the byte was read, so the pipe is empty again")
}
