//go:build linux

package uring

import "unsafe"

// The Prep functions fill an SQE from NextSQE for one operation, as the
// kernel reads it. Each is the ring's version of a system call: the same
// arguments, the result in the CQE's Res.

// PrepPollAdd asks to complete once fd has one of the poll(2) events
// (POLLIN, POLLOUT), with flags (0, or PollMultishot). Res is the events
// that came true. The kernel always adds POLLERR, POLLHUP and POLLRDHUP to
// events: a socket whose peer has shut down its writing completes any poll
// request at once, with at least POLLRDHUP.
func PrepPollAdd(sqe *SQE, fd int, events, flags uint32, userData uint64) {
	sqe.Opcode, sqe.FD, sqe.Len, sqe.UserData = OpPollAdd, int32(fd), flags, userData
	sqe.OpFlags = events // poll32_events; little-endian layout, as on amd64 and arm64
}

// PrepPollRemove asks to remove the poll request whose user_data is
// target. The removed request completes with -ECANCELED.
func PrepPollRemove(sqe *SQE, target, userData uint64) {
	sqe.Opcode, sqe.FD, sqe.Addr, sqe.UserData = OpPollRemove, -1, target, userData
}

// PrepRecv is recv(2) on fd into buf. buf belongs to the kernel until the
// request completes: it must not be touched, nor freed, before then.
func PrepRecv(sqe *SQE, fd int, buf []byte, userData uint64) {
	sqe.Opcode, sqe.FD, sqe.UserData = OpRecv, int32(fd), userData
	sqe.Addr, sqe.Len = bufferAddress(buf), uint32(len(buf))
}

// PrepSend is send(2) on fd from buf, which belongs to the kernel until the
// request completes. Res may be less than len(buf) (a partial send).
func PrepSend(sqe *SQE, fd int, buf []byte, flags uint32, userData uint64) {
	sqe.Opcode, sqe.FD, sqe.UserData = OpSend, int32(fd), userData
	sqe.Addr, sqe.Len, sqe.OpFlags = bufferAddress(buf), uint32(len(buf)), flags
}

// PrepAccept is accept4(2) on a listening fd with flags (SOCK_NONBLOCK,
// SOCK_CLOEXEC); Res is the new connection's fd. The peer's address is not
// asked for.
func PrepAccept(sqe *SQE, fd int, flags uint32, userData uint64) {
	sqe.Opcode, sqe.FD, sqe.OpFlags, sqe.UserData = OpAccept, int32(fd), flags, userData
}

// PrepRead is read(2) on fd into buf (at the file's current position, for
// files that have one).
func PrepRead(sqe *SQE, fd int, buf []byte, userData uint64) {
	sqe.Opcode, sqe.FD, sqe.UserData = OpRead, int32(fd), userData
	sqe.Addr, sqe.Len, sqe.Off = bufferAddress(buf), uint32(len(buf)), ^uint64(0)
}

// PrepCancelFD asks to cancel every request in flight on fd; each
// completes with -ECANCELED (or with its result, if it finished first).
func PrepCancelFD(sqe *SQE, fd int, userData uint64) {
	sqe.Opcode, sqe.FD, sqe.UserData = OpAsyncCancel, int32(fd), userData
	sqe.OpFlags = cancelFD | cancelAll
}

// bufferAddress is the address the kernel will write to or read from. Go's
// collector does not move heap memory, but it frees memory nothing
// points to: the caller keeps buf referenced until the completion.
func bufferAddress(buf []byte) uint64 {
	if len(buf) == 0 {
		return 0
	}
	return uint64(uintptr(unsafe.Pointer(&buf[0])))
}
