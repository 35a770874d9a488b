//go:build linux

package ring

import (
	"sync/atomic"
	"time"

	"github.com/loopkit/loopkit/internal/uring"
)

// A Ring drives the two queues of a uring.Ring: NextSQE and Enter on the
// submission side, Completion on the completion side. Setting the ring up
// (io_uring_setup, the three mmaps) is given, and so is the system call
// (uring.Ring.SubmitAndWait). A Ring is used by one goroutine.
type Ring struct {
	ring *uring.Ring
	sq   uring.SubmissionQueue
	cq   uring.CompletionQueue
	next uint32 // the submission tail once the entries NextSQE gave out are published
}

// New drives r's queues.
func New(r *uring.Ring) *Ring {
	sq, cq := r.Queues()
	return &Ring{ring: r, sq: sq, cq: cq, next: atomic.LoadUint32(sq.Tail)}
}

// NextSQE returns the next free submission entry, zeroed, for the caller
// to fill, or nil when every entry is handed out and not yet taken by the
// kernel.
func (q *Ring) NextSQE() *uring.SQE {
	// The kernel moves the head as it takes entries: load it with
	// acquire, so that a slot it has finished reading may be written.
	if q.next-atomic.LoadUint32(q.sq.Head) == uint32(len(q.sq.Entries)) {
		return nil
	}
	sqe := &q.sq.Entries[q.next&q.sq.Mask]
	*sqe = uring.SQE{}
	q.next++
	return sqe
}

// Enter publishes the entries NextSQE gave out and hands them to the
// kernel, waiting for completions as uring.Ring.SubmitAndWait does.
func (q *Ring) Enter(wait time.Duration) error {
	// Store the tail with release: the entries are written in full
	// before the kernel can see the tail move past them.
	atomic.StoreUint32(q.sq.Tail, q.next)
	return q.ring.SubmitAndWait(q.next-atomic.LoadUint32(q.sq.Head), wait)
}

// Completion returns the oldest completion not yet read, and false if there
// is none; reading it frees its slot for the kernel.
func (q *Ring) Completion() (uring.CQE, bool) {
	head := atomic.LoadUint32(q.cq.Head)
	// Load the tail with acquire: the kernel wrote every entry before it
	// in full before it moved the tail.
	if head == atomic.LoadUint32(q.cq.Tail) {
		return uring.CQE{}, false
	}
	cqe := q.cq.Entries[head&q.cq.Mask]
	// Store the head with release, after the copy: the kernel may then
	// write a new completion into the slot.
	atomic.StoreUint32(q.cq.Head, head+1)
	return cqe, true
}
