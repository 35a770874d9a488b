// Package selectpoll is a loop.Poller over select(2): you write it in
// tutorial step 03. Fill in the functions that panic with TODO(step03); the
// step's README says how, and go test ./tutorials/03-select checks them
// with looptest.TestPoller, the suite the kit's own pollers pass.
//
// select takes two bitmaps of fds, one to watch for reading and one for
// writing, sleeps until one of those fds is ready or the timeout passes,
// and overwrites the bitmaps with the fds that are ready. So the poller
// keeps what it was asked to watch in a map, builds the bitmaps afresh for
// every Wait, and reads the answer from them afterwards.
package selectpoll

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/loop"
)

// A Poller waits with select(2).
type Poller struct {
	// Set by Register: the fds watched, each with its events.
	interest map[int]loop.Events
	closed   bool

	// Scratch of Wait: rebuilt by every Wait, overwritten by select.
	readSet, writeSet unix.FdSet
}

// New returns a poller that watches nothing yet.
func New() (loop.Poller, error) {
	return &Poller{interest: map[int]loop.Events{}}, nil
}

// MaxFD returns FD_SETSIZE: the bitmaps have that many bits, so select
// cannot watch an fd at or above it (loop.FDLimiter).
func (p *Poller) MaxFD() int { return unix.FD_SETSIZE }

// Register sets the events fd is watched for; 0 drops fd. Only the map
// changes: the kernel hears of it at the next Wait.
func (p *Poller) Register(fd int, ev loop.Events) error {
	// In this order: after Close, an error wrapping loop.ErrClosed; a
	// negative fd, an error; ev == 0, drop fd (dropping an fd that was
	// never registered does nothing, whatever its number, so this comes
	// before the limit); fd >= unix.FD_SETSIZE, an error that names fd;
	// else remember ev for fd.
	panic("TODO(step03): Register: keep ev for fd in p.interest; 0 drops fd; refuse fd < 0 and fd >= FD_SETSIZE")
}

// maxWait is the longest one select may be asked to wait: macOS refuses
// more than 10^8 seconds (EINVAL), and a longer Duration would overflow on
// its way to microseconds. Waiting less than asked is allowed: Wait may
// return 0 events early, and the loop just waits again.
const maxWait = 1e8 * time.Second

// Wait fills ready with the fds select finds ready and returns how many:
// it blocks while timeout < 0, polls when 0, waits at most timeout when > 0.
func (p *Poller) Wait(timeout time.Duration, ready []loop.Event) (int, error) {
	if p.closed {
		return 0, fmt.Errorf("select: Wait: %w", loop.ErrClosed)
	}
	if len(ready) == 0 {
		return 0, errors.New("select: Wait: ready has length 0: no room for an event")
	}
	nfd, err := p.selectRetrying(min(timeout, maxWait))
	if err != nil {
		return 0, err
	}
	return p.collect(nfd, ready), nil
}

// Close forgets everything. select has no fd of its own to release; the
// fds that were watched are the caller's, and stay open.
func (p *Poller) Close() error {
	panic("TODO(step03): Close: mark the poller closed (a second Close returns an error wrapping loop.ErrClosed)")
}

// selectRetrying calls select until it returns for a reason other than a
// signal, and returns nfd, the number of fds it looked at. A signal (EINTR)
// is routine: Go's runtime sends SIGURG to preempt goroutines. After one,
// select goes again, with the sets built afresh (select may have written
// to them) and with the time left until the deadline, not the whole
// timeout: starting over would let a stream of signals postpone a timer
// for ever.
func (p *Poller) selectRetrying(timeout time.Duration) (nfd int, err error) {
	deadline := time.Now().Add(timeout)
	for {
		tv := timeval(timeout, deadline)
		nfd = p.fillSets()
		_, err = unix.Select(nfd, &p.readSet, &p.writeSet, nil, tv)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return 0, os.NewSyscallError("select", err)
	}
	return nfd, nil
}

// fillSets sets the bit of each watched fd in the sets of its events, and
// returns nfd, one more than the highest fd: select looks at fds 0 to
// nfd-1 only.
func (p *Poller) fillSets() (nfd int) {
	p.readSet.Zero()
	p.writeSet.Zero()
	panic("TODO(step03): fillSets: for each fd in p.interest, set its bit in p.readSet and/or p.writeSet; return the highest fd + 1")
}

// timeval returns select's timeout for a try that starts now: nil to
// block (timeout < 0), a zero timeval to poll (timeout == 0), and for a
// positive timeout the time left until deadline (0 once it has passed: one
// last poll, which reports what became ready meanwhile). NsecToTimeval
// rounds up to the microsecond, so a positive wait never becomes a zero
// that would poll.
func timeval(timeout time.Duration, deadline time.Time) *unix.Timeval {
	// time.Until(deadline) is the time left; unix.NsecToTimeval converts.
	panic("TODO(step03): timeval: nil for timeout < 0; a zero timeval for 0; else the time left until deadline, never below 0")
}

// collect reports the fds select left set, in increasing order, at most
// len(ready) of them; the others stay ready for the next Wait.
//
// select has no flag of its own for an error or a hang-up: it marks such
// an fd readable and writable both, which wakes whoever waits on it.
func (p *Poller) collect(nfd int, ready []loop.Event) int {
	panic("TODO(step03): collect: for fd from 0 to nfd-1, test p.readSet and p.writeSet with IsSet; put each ready fd in ready")
}
