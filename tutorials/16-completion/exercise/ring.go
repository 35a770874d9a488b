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
	panic("TODO(step16): NextSQE: if q.next is a whole ring ahead of the kernel's head, nil; " +
		"else zero and return the entry at q.next & q.sq.Mask, and count it in q.next")
}

// Enter publishes the entries NextSQE gave out and hands them to the
// kernel, waiting for completions as uring.Ring.SubmitAndWait does.
func (q *Ring) Enter(wait time.Duration) error {
	panic("TODO(step16): Enter: store q.next as the submission tail, then q.ring.SubmitAndWait(" +
		"how many entries the kernel has not taken, wait)")
}

// Completion returns the oldest completion not yet read, and false if there
// is none; reading it frees its slot for the kernel.
func (q *Ring) Completion() (uring.CQE, bool) {
	panic("TODO(step16): Completion: if the head has caught up with the kernel's tail, none; " +
		"else copy the entry at head & q.cq.Mask, then move the head past it")
}
