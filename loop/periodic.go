package loop

import (
	"fmt"
	"time"

	"github.com/loopkit/loopkit/timers"
)

// A Periodic is a timer that runs its function again and again, every
// period on the loop's clock, until Stop: libuv's uv_timer with a repeat,
// Node's setInterval, gevent's loop.timer(after, repeat).
//
// It is no new kind of wait. Each beat is an ordinary one-shot timer in the
// loop's heap, and the callback that runs it schedules the next before it
// calls the user's function. So a Periodic waits in the loop's poll like any
// timer, shows in State as one pending deadline, and keeps Run running as a
// pending CallLater does, until it is stopped. (libuv and Node let a repeating
// timer be "unreferenced" so that it does not keep the loop alive; the kit
// has no such switch: stop the timer when what it serves closes.)
//
// # Drift: the kit keeps the grid
//
// The beats are due at start + period, start + 2·period, and so on, where
// start is the time of CallEvery: the next beat is always computed from the
// beat that was due, never from the time the loop got round to running it
// (timers.NextBeat). When the loop runs a beat late by more than a period
// (a callback hogged it, or the machine slept), the beats that came due
// meanwhile are not run one after another to catch up: they are skipped, and
// the call that does run is told how many beats it stands for.
//
// Discussion: libuv's uv_timer re-arms a repeating timer from the time the
// loop ran it (loop time + repeat), and Node's setInterval, built on it, the
// same. Each beat then starts late by however late the loop was, and the
// lateness adds up: a once-a-second tick run 2 ms late each time falls
// almost 3 minutes a day behind the clock. Twisted's LoopingCall keeps the
// grid instead, skips the beats it missed and tells how many (withCount),
// and Go's time.Ticker also keeps its grid and drops the ticks a slow
// reader misses.
// The kit does as Twisted does, for two reasons: a student's "every second"
// should mean on the second, however long the program runs; and a loop that
// is late is overloaded, so bursts of catch-up calls would make it later
// still. A caller that counts (a clock, a rate) adds beats, not 1. asyncio
// has no periodic timer: a callback re-schedules itself with call_later,
// which drifts as libuv does.
type Periodic struct {
	// Set by CallEvery, then read-only.
	loop   *Loop
	period time.Duration
	fn     func(beats int)
	beatFn func() // p.beat, made once: one method value, not one per beat

	// Owned by the loop goroutine.
	due     time.Time     // the beat timer waits for
	timer   *timers.Timer // the pending one-shot timer of the next beat
	stopped bool
}

// CallEvery calls fn every period on the loop's clock, from the loop, until
// Stop: the first call once period has passed, the next ones on the grid
// start + k·period (see Periodic on drift). fn is told beats, the number
// of beats the call stands for: 1 when the loop is on time, more when it was
// late by a period or more and beats were skipped.
//
// A panic in fn is reported to the error handler, as any callback's, and
// the beats go on: the next one is scheduled before fn is called. A period
// that is not positive, a nil fn, or a closed loop is reported to the error
// handler, and CallEvery returns nil (whose Stop returns false). Loop
// goroutine only. O(log n) per beat, in the number of pending timers.
func (l *Loop) CallEvery(period time.Duration, fn func(beats int)) *Periodic {
	if period <= 0 {
		l.onError(fmt.Errorf("loop: CallEvery(%v): the period must be positive", period))
		return nil
	}
	if fn == nil {
		l.onError(fmt.Errorf("loop: CallEvery(%v): nil callback", period))
		return nil
	}
	p := &Periodic{loop: l, period: period, fn: fn}
	p.beatFn = p.beat
	p.due = l.clock.Now().Add(period)
	p.timer = l.schedule("CallEvery", p.due, p.beatFn)
	if p.timer == nil {
		return nil // schedule reported why
	}
	return p
}

// Stop stops the periodic timer: fn is not called again, even by a beat
// already due in this iteration. It reports whether the call stopped it:
// false if it was already stopped, or for the nil Periodic of a CallEvery
// that refused. fn may stop its own timer. Loop goroutine only.
func (p *Periodic) Stop() bool {
	if p == nil || p.stopped {
		return false
	}
	p.stopped = true
	p.timer.Cancel()
	return true
}

// beat is the callback of each beat's timer: it schedules the next beat on
// the grid, then calls fn, so that fn may Stop the timer (which cancels the
// beat just scheduled) and a panic in fn does not end the beats.
func (p *Periodic) beat() {
	next, beats := timers.NextBeat(p.due, p.period, p.loop.clock.Now())
	p.due = next
	p.timer = p.loop.timers.Schedule(next, p.beatFn)
	p.fn(beats)
}
