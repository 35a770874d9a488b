package timers

import "time"

// NextBeat answers the question a periodic timer asks each time it runs: of
// the beats due, start + k·period, the one at due has come (due is not
// after now); which beat comes next, and how many beats does this run stand
// for? It returns next, the first beat after now, and beats, the number of
// beats from due up to now, due included: 1 when the timer runs before its
// next beat is due, more when the loop was late by a period or more. The
// beats in between are skipped, not run one after another to catch up.
//
// The grid never moves: next is due + beats·period, whatever now is, so a
// timer run a little late does not push every later beat back (drift).
// package loop's CallEvery says why the kit keeps the grid. O(1).
//
// A now before due (which the loop never passes) counts as due: 1 beat.
func NextBeat(due time.Time, period time.Duration, now time.Time) (next time.Time, beats int) {
	if period <= 0 {
		panic("timers: NextBeat with a period that is not positive")
	}
	beats = 1
	if late := now.Sub(due); late > 0 {
		beats += int(late / period)
	}
	return due.Add(time.Duration(beats) * period), beats
}
