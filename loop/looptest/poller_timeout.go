package looptest

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/loop"
)

// Stage 3-Timeout: how long Wait waits. Each check measures one Wait with
// the monotonic clock. Lower bounds are exact: a kernel never wakes a
// sleeper early, so a Wait that returns before its timeout with nothing
// ready has turned the timeout into a poll. Upper bounds are generous and
// scaled (LOOPKIT_TIME_SCALE): they only catch a Wait that ignores its
// timeout.

func checkZeroPollsAndReturns(h *pollerHarness) {
	r, _ := h.pipe()
	h.register(r, readable)
	start := time.Now()
	h.expectWait(0, noEvents, "nothing was written to the pipe")
	if took, limit := time.Since(start), scaled(time.Second, h.s.scale); took > limit {
		h.fatalf("Wait(0) took %v, want well under %v: a timeout of 0 polls and returns at once", took, limit)
	}
}

func checkPositiveWaitsAtLeastAndReturns(h *pollerHarness) {
	r, _ := h.pipe()
	h.register(r, readable)
	timeout := 50 * time.Millisecond
	h.expectTimedOut(timeout, timeout, timeout+scaled(time.Second, h.s.scale))
}

func checkSubMillisecondIsNotZero(h *pollerHarness) {
	r, _ := h.pipe()
	h.register(r, readable)
	// poll and epoll_wait count in milliseconds: 300µs truncated is 0, a
	// poll, and a loop whose next timer is 300µs away would spin.
	timeout := 300 * time.Microsecond
	h.expectTimedOut(timeout, timeout, timeout+scaled(time.Second, h.s.scale))
}

// expectTimedOut calls Wait(timeout) with nothing ready, and requires no
// events after at least atLeast and at most atMost.
func (h *pollerHarness) expectTimedOut(timeout, atLeast, atMost time.Duration) {
	h.t.Helper()
	start := time.Now()
	h.expectWait(timeout, noEvents, "nothing was written to the pipe")
	took := time.Since(start)
	if took < atLeast {
		h.fatalf("Wait(%v) returned after %v with no events, want at least %v: "+
			"a positive timeout must be waited out (rounded up to the backend's resolution, never down to 0)",
			timeout, took, atLeast)
	}
	if took > atMost {
		h.fatalf("Wait(%v) returned after %v, want at most %v", timeout, took, atMost)
	}
}

func checkPositiveReturnsWhenReady(h *pollerHarness) {
	r, w := h.pipe()
	h.register(r, readable)
	h.expectWokenBy(time.Hour, r, w)
}

func checkNegativeBlocksUntilReady(h *pollerHarness) {
	r, w := h.pipe()
	h.register(r, readable)
	h.expectWokenBy(-1, r, w)
}

// expectWokenBy calls Wait(timeout) while a peer writes to w after a short
// delay, and requires the call to return r readable, after the write.
func (h *pollerHarness) expectWokenBy(timeout time.Duration, r, w int) {
	h.t.Helper()
	delay := scaled(50*time.Millisecond, h.s.scale)
	var written atomic.Bool
	h.after(delay, func() {
		written.Store(true)
		if _, err := unix.Write(w, []byte{'x'}); err != nil {
			h.t.Errorf("writing to %s: %v", h.fd(w), err)
		}
	})
	start := time.Now()
	h.expectWait(timeout, []loop.Event{{FD: r, Events: readable}},
		"another goroutine wrote a byte to the pipe after "+delay.String())
	if !written.Load() {
		h.fatalf("Wait(%s) returned after %v, before the byte was written", timeoutString(timeout), time.Since(start))
	}
}

func checkHugeTimeoutIsNotAnError(h *pollerHarness) {
	r, w := h.pipe()
	h.register(r, readable)
	h.write(w)
	// In milliseconds this overflows an int32; in seconds it is past what
	// select accepts on macOS (EINVAL above 10^8 s).
	h.expectWait(math.MaxInt64, []loop.Event{{FD: r, Events: readable}},
		"the pipe has a byte to read; the longest timeout must not be an error")
}

func checkInterruptedWaitResumes(h *pollerHarness) {
	if !canInterrupt {
		h.t.Skip("interrupting one thread needs tgkill (Linux only)")
	}
	r, _ := h.pipe()
	h.register(r, readable)
	timeout, period := 200*time.Millisecond, 5*time.Millisecond
	start := time.Now()
	got := h.waitInterrupted(timeout, period)
	took := time.Since(start)
	h.compare("Wait(200ms)", got, noEvents, "nothing was written to the pipe")
	if took < timeout {
		h.fatalf("Wait(%v), interrupted by a signal every %v, returned after %v with no events, want at least %v: "+
			"after EINTR, wait again for the time left", timeout, period, took, timeout)
	}
}

// waitInterrupted calls Wait(timeout) on a thread of its own, and sends a
// signal to that thread every period until Wait returns. Each signal makes
// the system call inside Wait fail with EINTR. It returns what Wait reported;
// an EINTR that Wait passes on fails the check as any error does.
func (h *pollerHarness) waitInterrupted(timeout, period time.Duration) []loop.Event {
	h.t.Helper()
	tid := make(chan int, 1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		interrupt(tid, stop, period)
	}()
	defer wg.Wait()
	defer close(stop)
	ready := make([]loop.Event, 64)
	call := fmt.Sprintf("Wait(%v)", timeout)
	reason := fmt.Sprintf(", while a signal interrupted it every %v. After EINTR, does it wait again "+
		"with the whole timeout instead of the time left?", period)
	r := h.call(call, h.waitBound(timeout), reason, func() { lockAndReportThread(tid) }, func() (int, error) {
		return h.p.Wait(timeout, ready)
	})
	return h.checkWait(call, r, ready)
}

// interrupt signals the thread whose id arrives on tid every period until
// stop is closed.
func interrupt(tid <-chan int, stop <-chan struct{}, period time.Duration) {
	var id int
	select {
	case id = <-tid:
	case <-stop:
		return
	}
	ticker := time.NewTicker(period)
	defer ticker.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
			if interruptThread(id) != nil {
				return // the thread is gone: Wait returned
			}
		}
	}
}
