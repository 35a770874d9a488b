package loop

import "time"

// maxWait is the longest one Wait blocks. poll and epoll_wait take the
// timeout as an int of milliseconds, which holds 24.8 days, and select on
// macOS and the BSDs fails with EINVAL above 10^8 seconds. A longer timeout
// is cut to maxWait: Wait then returns 0 events early, which the contract
// allows, and the loop simply waits again.
const maxWait = (1<<31 - 1) * time.Millisecond

// A waitClock keeps the time left of one Wait, so that a wait cut short by
// a signal resumes with what is left instead of starting over. Starting over
// would let a steady stream of signals postpone a timer for ever.
//
// Signals are routine, not rare: the Go runtime itself sends SIGURG to a
// thread to preempt the goroutine on it. Its handlers are installed with
// SA_RESTART, but select, poll, epoll_wait and kevent are never restarted
// by the kernel: they fail with EINTR whatever the flag says (signal(7)).
type waitClock struct {
	timeout  time.Duration // for the next try: < 0 blocks, 0 polls, > 0 waits
	deadline time.Time     // when a positive timeout runs out
}

// startWait starts the clock of a Wait with the caller's timeout.
func startWait(timeout time.Duration) waitClock {
	c := waitClock{timeout: min(timeout, maxWait)}
	if c.timeout > 0 {
		c.deadline = time.Now().Add(c.timeout)
	}
	return c
}

// interrupted sets the timeout of the next try after an EINTR: blocking and
// polling stay as they were, a positive timeout becomes the time left (0 if
// none is: one last poll, which reports what became ready meanwhile).
func (c *waitClock) interrupted() {
	if c.timeout > 0 {
		c.timeout = max(time.Until(c.deadline), 0)
	}
}

// millisUp converts a timeout to the milliseconds of poll(2) and
// epoll_wait(2): -1 blocks, 0 polls, and anything positive is rounded up,
// so 0.3ms waits 1ms. Rounded down it would be 0, a poll that returns at
// once: a loop whose next timer is 0.3ms away would spin, calling Wait again
// and again until the timer is due, at 100% CPU.
func millisUp(d time.Duration) int {
	if d < 0 {
		return -1
	}
	return int((d + time.Millisecond - 1) / time.Millisecond)
}
