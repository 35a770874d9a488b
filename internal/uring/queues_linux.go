//go:build linux

package uring

import (
	"os"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// NextSQE returns the next free submission entry, zeroed, for the caller
// to fill; the kernel sees it at the next Enter. It returns nil when the
// submission queue is full: call Enter (with wait 0) to hand the kernel
// what is queued, then ask again.
func (r *Ring) NextSQE() *SQE {
	// Acquire: the kernel has finished reading every entry before head,
	// so those slots may be written again.
	head := atomic.LoadUint32(r.sq.Head)
	if r.sqNext-head == uint32(len(r.sq.Entries)) {
		return nil
	}
	sqe := &r.sq.Entries[r.sqNext&r.sq.Mask]
	*sqe = SQE{}
	r.sqNext++
	return sqe
}

// Enter hands the kernel every entry NextSQE gave out, and collects
// completions: with wait < 0 it sleeps until there is at least one, with
// wait > 0 at most that long, with 0 not at all. Submitting and waiting
// are one system call; that is the point of the ring.
//
// Enter may return before the wait is over with no completion: a signal
// (EINTR), or the timeout, are not errors here. The caller looks at the
// completion queue, and enters again with the time left if it wants to.
func (r *Ring) Enter(wait time.Duration) error {
	// Release: every entry before the new tail is written in full before
	// the kernel can see the tail move.
	atomic.StoreUint32(r.sq.Tail, r.sqNext)
	return r.SubmitAndWait(r.sqNext-atomic.LoadUint32(r.sq.Head), wait)
}

// SubmitAndWait is io_uring_enter itself: it asks the kernel to take
// toSubmit entries, the ones published before the submission queue's tail
// and not yet taken, and waits for completions as Enter does (wait < 0
// until one, > 0 at most that long, 0 not at all). The result is Enter's.
func (r *Ring) SubmitAndWait(toSubmit uint32, wait time.Duration) error {
	flags, minComplete := uintptr(enterGetEvents), uintptr(0)
	var arg *getEventsArg
	var argSize uintptr
	if wait != 0 {
		minComplete = 1
	}
	if wait > 0 {
		r.wait.timeout = unix.NsecToTimespec(int64(wait))
		arg, argSize, flags = &r.wait.arg, unsafe.Sizeof(r.wait.arg), flags|enterExtArg
	}
	_, _, errno := unix.Syscall6(unix.SYS_IO_URING_ENTER, uintptr(r.fd), uintptr(toSubmit), minComplete, flags,
		uintptr(unsafe.Pointer(arg)), argSize)
	switch errno {
	case 0, unix.EINTR, unix.ETIME:
		return nil
	case unix.EBUSY, unix.EAGAIN:
		// The kernel has completions it could not yet post (the
		// completion queue is full) or no memory for more requests
		// now: the caller reads completions, which makes room, and
		// the next Enter submits what is still queued.
		return nil
	}
	return os.NewSyscallError("io_uring_enter", errno)
}

// Completion returns the oldest completion not yet read, and false if there
// is none. Reading it frees its slot for the kernel.
func (r *Ring) Completion() (CQE, bool) {
	head := atomic.LoadUint32(r.cq.Head)
	// Acquire: the kernel wrote every entry before tail in full before
	// it moved tail.
	if head == atomic.LoadUint32(r.cq.Tail) {
		return CQE{}, false
	}
	cqe := r.cq.Entries[head&r.cq.Mask]
	// Release: the entry is copied out before the kernel may reuse its
	// slot.
	atomic.StoreUint32(r.cq.Head, head+1)
	return cqe, true
}
