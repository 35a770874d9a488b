package chatroom

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// An Event is something that happened in the room, as Limits.Events is
// told of it.
type Event struct {
	Kind EventKind
	Name string // the user's
	IP   string // UserJoined: where from
	Why  string // UserDropped: why, as "too slow (64 KiB unread for 5s)"
}

// An EventKind says what an Event is.
type EventKind int

// The kinds of Event.
const (
	UserJoined EventKind = iota
	UserLeft
	UserDropped
	UserSaid
)

// A Console is the teacher's view of a workshop's room, written for the
// projector: one line per join, leave and drop, and, for every RateEvery
// that had messages, one line with their rate and the users in the room:
//
//	12:01:07  + alice (192.168.1.23)
//	12:01:09  - bob left
//	12:01:12  ! carol dropped: too slow (64 KiB unread for 5s)
//	12:01:17    4.2 msg/s, 25 users
//
// Messages are counted, not shown: a busy room would scroll them past
// faster than anyone reads. Set Limits.Events to Event, and call Tick
// every RateEvery (Run does).
//
// A Console is safe for concurrent use, unlike the rest of the package:
// the room tells it of events on the room's goroutine, and the ticker
// calls Tick on its own.
type Console struct {
	// Set by NewConsole.
	out io.Writer
	now func() time.Time

	mu    sync.Mutex // guards the fields below
	users int        // in the room
	said  int        // messages since the last Tick
	since time.Time  // the last Tick, or the first message after it
}

// RateEvery is how often a Console says how busy the room was.
const RateEvery = 10 * time.Second

// NewConsole returns a console that writes its lines to out, each stamped
// with now's time of day (time.Now; a fake clock in tests).
func NewConsole(out io.Writer, now func() time.Time) *Console {
	return &Console{out: out, now: now}
}

// Event writes the line of a join, leave or drop, and counts a message.
func (c *Console) Event(e Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch e.Kind {
	case UserJoined:
		c.users++
		c.say("+ %s (%s)", e.Name, e.IP)
	case UserLeft:
		c.users--
		c.say("- %s left", e.Name)
	case UserDropped:
		c.users--
		c.say("! %s dropped: %s", e.Name, e.Why)
	case UserSaid:
		if c.since.IsZero() {
			c.since = c.now()
		}
		c.said++
	}
}

// Tick writes the rate of the messages since the last Tick (or since the
// first of them, on the first), if there were any.
func (c *Console) Tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.said > 0 {
		rate := float64(c.said) / max(now.Sub(c.since).Seconds(), 1)
		c.say("  %s msg/s, %d users", perSecond(rate), c.users)
	}
	c.said, c.since = 0, now
}

// Run calls Tick every RateEvery until stop is closed.
func (c *Console) Run(stop <-chan struct{}) {
	ticker := time.NewTicker(RateEvery)
	defer ticker.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
			c.Tick()
		}
	}
}

// say writes one line, stamped with the time of day. The mutex is held.
func (c *Console) say(format string, args ...any) {
	fmt.Fprintf(c.out, "%s  %s\n", c.now().Format(time.TimeOnly), fmt.Sprintf(format, args...))
}

// perSecond words a rate: whole numbers from 10 on, one decimal below.
func perSecond(rate float64) string {
	if rate >= 10 {
		return fmt.Sprintf("%.0f", rate)
	}
	return fmt.Sprintf("%.1f", rate)
}
