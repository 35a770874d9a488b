package chatroom

// A Backlog watches the bytes waiting for one user against the marks of
// Limits, so that every style tells the room the same way when a user
// fills up and when they drain. What a style does at each crossing (start a
// stall timer, give a write a deadline) is its own.
//
// A user whose backlog passed HighWater is full until it is back at
// LowWater: two marks, not one, so that a user hovering at the mark does
// not stop and start the room on every line. A dropped user (Stop) is never
// full again, though their last words still fill their connection.
type Backlog struct {
	full, stopped bool
}

// A Crossing is what a new size of a backlog means for the room.
type Crossing int

const (
	Steady  Crossing = iota // no mark crossed: nothing to tell
	Filled                  // past HighWater: tell the room Full
	Emptied                 // back at LowWater: tell the room Drained
)

// Check returns the mark that bytes, the user's backlog now, has crossed
// since the last Check.
func (b *Backlog) Check(bytes int, l Limits) Crossing {
	switch {
	case !b.full && !b.stopped && bytes > l.HighWater:
		b.full = true
		return Filled
	case b.full && bytes <= l.LowWater():
		b.full = false
		return Emptied
	}
	return Steady
}

// Stop marks the user dropped: the backlog is not full, and never will be.
func (b *Backlog) Stop() { b.full, b.stopped = false, true }
