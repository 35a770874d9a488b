//go:build linux

package loop

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/internal/uring"
)

// uringPoller waits with io_uring (package internal/uring), Linux's ring
// shared with the kernel. io_uring is made to do the reads and writes
// themselves (examples/echo/completion shows that); here it only answers
// the question every other poller answers, which fds are ready, so that
// every front end runs on it unchanged. Each watched fd has one poll
// request (IORING_OP_POLL_ADD) in the kernel; a request completes when
// its fd is ready, and Wait reports the completions.
//
// The requests are written into the submission ring by Register and Wait
// and handed to the kernel by the same io_uring_enter that waits: a Wait
// after a hundred new connections is still one system call, where epoll
// makes a hundred epoll_ctl calls first. Only a drop is handed over at
// once (see Register).
//
// Level-triggered, as the contract wants, by re-arming: a poll request is
// one-shot, and an fd Wait reported gets a new request at the next Wait. If
// the fd is still ready, the kernel completes the new request as it is
// submitted, and the same io_uring_enter returns it; if not, the request
// waits in the kernel for the next wake-up. That is how epoll's own
// level-triggered mode works inside the kernel: a reported fd goes back on
// the ready list and is polled again at the next epoll_wait. The cost of a
// Wait stays in proportion to the ready fds, not the watched ones.
//
// Discussion: a multishot request (IORING_POLL_ADD_MULTI) stays armed and
// completes at every wake-up of its fd: an edge, not a level. A reader that
// leaves data unread is woken by no new edge, so a multishot poller must
// poll each reported fd again anyway, and cancel and re-add the request
// whenever its events change. Multishot suits an edge-triggered loop,
// whose readers read until EAGAIN (as Go's runtime does on epoll); the
// kit's loop is level-triggered on every backend, so the one-shot request
// is the honest fit here.
//
// One request the kernel will not let wait: io_uring adds POLLRDHUP to
// every poll request's events, so a socket whose peer has shut down its
// writing completes a one-shot request at once, writable or not. Re-armed,
// it would complete again at once, a spin; left unarmed, a writer waiting
// to flush to a half-closed peer would never be woken. Such an fd gets a
// multishot request instead (see collect), which completes once at once
// and then again at each wake-up, like a poll(2) that wakes for POLLOUT.
type uringPoller struct {
	// set by newUring
	ring *uring.Ring

	// set by Register, Wait and Close
	watched map[int]uringWatch // fd -> its events and its request
	toArm   []int              // fds whose request is to be submitted at the next Wait
	armed   uint32             // requests made so far, for the next request's user_data
	closed  bool
}

// uringWatch is what the poller knows of one fd: the events it is watched
// for, and the user_data of its poll request in the kernel (0: none, it is
// in toArm).
type uringWatch struct {
	events  Events
	request uint64
}

// uringRingSize is how many requests the submission ring holds between two
// io_uring_enter calls; more are submitted in batches of this size. The
// completion ring is bigger, for a poll request per watched fd: a
// completion that does not fit is kept by the kernel (IORING_FEAT_NODROP)
// and posted once there is room, at a cost. A constant, not an option: it
// only tunes speed.
const (
	uringRingSize       = 256
	uringCompletionSize = 4096
)

// removalBit marks the user_data of a removal request, whose other bits
// are the request it removes: no fd is that large, so a removal's
// completion never matches a watched fd's request, and a removal that
// failed can be made again.
const removalBit = uint64(1) << 63

func newUring() (Poller, error) {
	ring, err := uring.New(uringRingSize, uringCompletionSize)
	if err != nil {
		return nil, err
	}
	return &uringPoller{ring: ring, watched: make(map[int]uringWatch)}, nil
}

// Register sets the events fd is watched for; 0 drops it. A new set of
// events needs a new request: the old one, if the kernel has it, is
// removed, and the fd waits in toArm for the next Wait to submit it.
//
// A drop is submitted at once, with its own io_uring_enter, where every
// other change waits for Wait: the caller may close the fd next, and a
// poll request holds the open file (not just the number) until it is
// removed, so a socket would not send its FIN. epoll's epoll_ctl DEL is a
// system call at the same point for the same reason.
func (p *uringPoller) Register(fd int, ev Events) error {
	if p.closed {
		return errClosed("uring", "Register")
	}
	if err := checkRegister("uring", fd, ev); err != nil {
		return err
	}
	old, watched := p.watched[fd]
	if ev == old.events {
		return nil
	}
	if watched && old.request != 0 {
		p.submit(func(sqe *uring.SQE) { p.prepareRemoval(sqe, old.request) })
	}
	if ev == 0 {
		delete(p.watched, fd)
		return p.ring.Enter(0)
	}
	p.watched[fd] = uringWatch{events: ev}
	p.toArm = append(p.toArm, fd)
	return nil
}

// Wait submits a poll request for every fd in toArm and waits for
// completions, in one io_uring_enter, then converts them to events. A
// completion of an old request (removed, replaced) wakes the kernel's wait
// too, but is no event: Wait then waits again for the time left.
func (p *uringPoller) Wait(timeout time.Duration, ready []Event) (int, error) {
	if p.closed {
		return 0, errClosed("uring", "Wait")
	}
	if err := checkReady("uring", ready); err != nil {
		return 0, err
	}
	p.arm()
	clock := startWait(timeout)
	for {
		if err := p.ring.Enter(clock.timeout); err != nil {
			return 0, err
		}
		if n := p.collect(ready); n > 0 || clock.timeout == 0 {
			return n, nil
		}
		clock.interrupted()
	}
}

// Close closes the ring. The kernel then cancels every poll request; the
// fds they watched are the caller's and stay open.
func (p *uringPoller) Close() error {
	if p.closed {
		return errClosed("uring", "Close")
	}
	p.closed = true
	p.watched, p.toArm = nil, nil
	return p.ring.Close()
}

// arm writes a poll request for each fd in toArm that still needs one (an
// fd may be listed twice, or dropped since).
func (p *uringPoller) arm() {
	for _, fd := range p.toArm {
		if w, ok := p.watched[fd]; ok && w.request == 0 {
			p.request(fd, w, 0)
		}
	}
	p.toArm = p.toArm[:0]
}

// request writes a poll request for fd, with flags (0, or
// uring.PollMultishot), and records its user_data as the fd's current one.
func (p *uringPoller) request(fd int, w uringWatch, flags uint32) {
	p.armed++
	w.request = uint64(fd)<<32 | uint64(p.armed)
	p.watched[fd] = w
	p.submit(func(sqe *uring.SQE) { uring.PrepPollAdd(sqe, fd, pollMask(w.events), flags, w.request) })
}

// submit fills the next submission entry with prepare. When the ring is
// full it is handed to the kernel first, without waiting.
func (p *uringPoller) submit(prepare func(*uring.SQE)) {
	sqe := p.ring.NextSQE()
	for sqe == nil {
		p.ring.Enter(0) // an error here comes back from the Enter that follows
		sqe = p.ring.NextSQE()
	}
	prepare(sqe)
}

// prepareRemoval asks the kernel to remove the request whose user_data is
// request. No completion is wanted if it works; if the request had
// completed already (ENOENT), the removal's error completion is ignored
// like any completion of an old request.
func (p *uringPoller) prepareRemoval(sqe *uring.SQE, request uint64) {
	uring.PrepPollRemove(sqe, request, removalBit|request)
	sqe.Flags |= uring.SQESkipSuccess
}

// removalFailed makes a removal again that found its multishot request
// busy posting a completion (EALREADY): left in the kernel, the request
// would hold its file open after the caller closed the fd, and the peer
// would never see the end of the stream. The new removal goes with the
// next io_uring_enter.
func (p *uringPoller) removalFailed(cqe uring.CQE) {
	if cqe.Res == -int32(unix.EALREADY) {
		request := cqe.UserData &^ removalBit
		p.submit(func(sqe *uring.SQE) { p.prepareRemoval(sqe, request) })
	}
}

// collect converts completions to events, at most len(ready); the other
// completions stay in the ring for the next Wait. A completion is current
// if it is the request the fd has now. With an event, the fd goes back to
// toArm (level-triggered), and a multishot request still armed is removed.
// With none (only the POLLRDHUP the kernel adds, see uringPoller), a
// multishot request still armed waits on, and a finished request is
// replaced at once by a multishot one, which waits where a one-shot cannot.
func (p *uringPoller) collect(ready []Event) int {
	n := 0
	for n < len(ready) {
		cqe, ok := p.ring.Completion()
		if !ok {
			break
		}
		if cqe.UserData&removalBit != 0 {
			p.removalFailed(cqe)
			continue
		}
		fd := int(cqe.UserData >> 32)
		w, ok := p.watched[fd]
		if !ok || w.request != cqe.UserData {
			continue // an old request, removed or replaced
		}
		armed := cqe.Flags&uring.CQEMore != 0
		ev := uringReady(w.events, cqe.Res)
		switch {
		case ev == 0 && armed:
			continue
		case ev == 0:
			p.request(fd, w, uring.PollMultishot)
			continue
		case armed:
			p.submit(func(sqe *uring.SQE) { p.prepareRemoval(sqe, w.request) })
		}
		w.request = 0
		p.watched[fd] = w
		p.toArm = append(p.toArm, fd)
		ready[n] = Event{FD: fd, Events: ev}
		n++
	}
	return n
}

// pollMask converts events to the poll(2) flags of a poll request. POLLERR
// and POLLHUP need not be asked for: they always complete it.
func pollMask(ev Events) uint32 {
	return uint32(uint16(pollEvents(ev)))
}

// uringReady converts a poll request's result, poll(2)'s revents or a
// negative errno, for an fd watched for the events watched: revents as
// pollReady converts them, and an errno (EBADF: the fd was closed before it
// was dropped) as a hang-up, so that the reader and the writer both wake
// and meet the error on their next call.
func uringReady(watched Events, res int32) Events {
	if res < 0 {
		return watched
	}
	return pollReady(watched, int16(res))
}
