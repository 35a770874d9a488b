package timers

import (
	"sync"
	"time"
)

// A Clock tells the time. The loop reads it to decide which timers are due
// and how long its poll call may sleep, and computes every deadline from it,
// so a loop never mixes two clocks.
type Clock interface {
	// Now returns the current time. It may be called from any goroutine.
	Now() time.Time
}

// A Notifier is a Clock that moves only when told to and says when it did,
// as Fake does. It is an optional ability of a Clock, found by a type
// assertion: a loop whose clock is a Notifier never sleeps until a timer's
// deadline, since that time would never come by itself; it sleeps until
// I/O or a move of the clock wakes it.
type Notifier interface {
	Clock
	// Notify registers fn to be called after every move of the clock, on
	// the goroutine that moved it.
	Notify(fn func())
}

// Real is the clock of the machine. Its readings carry Go's monotonic clock
// reading, so a change of the wall clock (by an administrator or NTP) never
// makes a timer fire early or late: the loop compares readings of Real only
// with each other, and time.Time then compares the monotonic parts.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// A Fake is a clock that moves only when told to, by Advance. Tests and
// tutorials use it so that timers fire at exact times, however slow or busy
// the machine.
//
// A loop on a Fake never sleeps for a timer: while nothing is due it waits
// for I/O or for the clock to move, and Advance wakes it (see Notify).
//
// A Fake is safe for concurrent use. The zero Fake reads the zero time.
type Fake struct {
	mu sync.Mutex // guards the fields below
	// now is the time Now returns.
	now time.Time
	// notify holds the functions Advance calls. Notify appends to it and
	// nothing else changes it, so Advance may call a copy of the slice
	// header after unlocking: the elements it sees are never overwritten.
	notify []func()
}

// NewFake returns a fake clock that reads start until it is moved.
func NewFake(start time.Time) *Fake { return &Fake{now: start} }

// Now returns the fake time.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// Advance moves the clock forward by d, then calls every function given to
// Notify, in the order they were given, on the calling goroutine. Advance(0)
// does not move the clock but still notifies. A negative d is ignored, with
// no notification: time does not run backwards.
//
// The functions are called without the lock held, so one may call Now
// without deadlock. When two goroutines advance at once, each notifies
// after its own move.
func (f *Fake) Advance(d time.Duration) {
	if d < 0 {
		return
	}
	f.mu.Lock()
	f.now = f.now.Add(d)
	notify := f.notify
	f.mu.Unlock()
	for _, fn := range notify {
		fn()
	}
}

// Notify registers fn to be called, on the goroutine that moved the clock,
// after every Advance that is not ignored (see Advance). A loop built with
// a Fake registers its thread-safe wake-up here, so a loop sleeping in poll
// wakes and sees the new time. fn must not be nil. There is no way to
// unregister: a Fake lives as long as the loop (or test) that uses it.
func (f *Fake) Notify(fn func()) {
	if fn == nil {
		panic("timers: Notify with a nil function")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.notify = append(f.notify, fn)
}
