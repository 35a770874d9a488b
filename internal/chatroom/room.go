package chatroom

import (
	"errors"
	"fmt"
	"slices"
	"syscall"
)

// A Member is a user's end of the room: the queue their writer takes lines
// from. Each style implements it with its own queue (a channel, a buffer of
// the loop, a coroutines.Queue).
type Member interface {
	// Send puts msg on the user's queue and reports whether it fitted; it
	// must not wait. false drops the user at once: the talk's chat returns
	// it when the queue already holds Limits.MaxQueued messages. The kit's
	// chats always return true, and call Full when the user's backlog
	// passes Limits.HighWater.
	Send(msg string) bool
	// Drop disconnects a user who fell behind: their queue is discarded,
	// TooSlow is written after what is being written now (waiting at most
	// Limits.DropGrace), and the connection is closed. The room has already
	// removed the user when it calls Drop. It must not wait.
	Drop()
}

// Errors of Join.
var (
	ErrNameTaken = errors.New("chatroom: name taken")
	ErrFull      = errors.New("chatroom: room full")
)

// A Room is the talk's users dictionary and its broadcast: who is in the
// chat, under which name, in the order they joined (so that a broadcast
// visits them in a fixed order and a test can predict it); and, for the
// kit's chats, who is too far behind, and which senders wait for them.
//
// A Room is not safe for concurrent use (see the package doc).
type Room struct {
	limits  Limits
	members map[string]Member
	names   []string // the members' names in the order they joined

	full    map[Member]bool // members whose backlog is above the high-water mark
	waiting []func()        // the resumes of senders stopped by Wait, oldest first
}

// NewRoom returns an empty room that keeps limits: at most MaxUsers users,
// and each event told to Events, if it is not nil.
func NewRoom(limits Limits) *Room {
	return &Room{limits: limits, members: make(map[string]Member), full: make(map[Member]bool)}
}

// Join adds m under name, after telling everyone already in the room that
// name joined from ip: as in the talk, which broadcasts before it adds the
// new user's queue, the new user does not hear of their own arrival. It
// returns ErrNameTaken or ErrFull, and changes nothing, if name is in use or
// the room is full.
func (r *Room) Join(name, ip string, m Member) error {
	if _, taken := r.members[name]; taken {
		return ErrNameTaken
	}
	if len(r.members) >= r.limits.MaxUsers {
		return ErrFull
	}
	r.tell(Event{Kind: UserJoined, Name: name, IP: ip})
	r.broadcast(Joined(name, ip))
	r.members[name] = m
	r.names = append(r.names, name)
	return nil
}

// Say sends line, from name, to every member, the sender included, with
// its control characters escaped (see Escape).
func (r *Room) Say(name, line string) {
	r.tell(Event{Kind: UserSaid, Name: name})
	r.broadcast(Message(name, Escape(line)))
}

// Leave removes m, if it is still the member called name (a user dropped
// for being slow has already been removed, and another user may have taken
// the name since), and tells everyone left. It reports whether m was there.
func (r *Room) Leave(name string, m Member) bool {
	if r.members[name] != m {
		return false
	}
	r.remove(name)
	r.tell(Event{Kind: UserLeft, Name: name})
	r.broadcast(Left(name))
	r.wake()
	return true
}

// ErrTooSlow is why a member who took nothing of their backlog for
// Limits.DropGrace is dropped (see Drop).
var ErrTooSlow = errors.New("too slow")

// Drop drops m, if it is still the member called name: it removes m, calls
// m.Drop, and tells everyone left. It is for a member who took nothing of
// their backlog for Limits.DropGrace (why is ErrTooSlow), or whose writer
// failed (why is its error). It reports whether m was there.
func (r *Room) Drop(name string, m Member, why error) bool {
	if r.members[name] != m {
		return false
	}
	r.remove(name)
	m.Drop()
	r.tell(Event{Kind: UserDropped, Name: name, Why: r.explain(why)})
	r.broadcast(Left(name))
	r.wake()
	return true
}

// explain words why a member was dropped, for the console: how far behind
// a member too slow was, or the system call's error of a writer that
// failed ("broken pipe", not the whole chain of addresses).
func (r *Room) explain(why error) string {
	var errno syscall.Errno
	switch {
	case errors.Is(why, ErrTooSlow):
		return fmt.Sprintf("too slow (%s unread for %v)", kib(r.limits.HighWater), r.limits.DropGrace)
	case errors.As(why, &errno):
		return errno.Error()
	}
	return why.Error()
}

// kib words a number of bytes, in KiB from 1 KiB on.
func kib(n int) string {
	if n < 1<<10 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// Len returns the number of members.
func (r *Room) Len() int { return len(r.members) }

// broadcast puts msg on every member's queue, in the order they joined.
// Members whose queue is full are dropped after the others got msg, all of
// them before the rest are told they left (a member dropped must not be
// sent its own departure); those broadcasts may drop more, and so on until
// one drops nobody. O(members) per message.
func (r *Room) broadcast(msg string) {
	var slow []string
	for _, name := range r.names {
		if !r.members[name].Send(msg) {
			slow = append(slow, name)
		}
	}
	for _, name := range slow {
		m := r.members[name]
		r.remove(name)
		m.Drop()
		r.tell(Event{Kind: UserDropped, Name: name, Why: fmt.Sprintf("too slow (%d messages unread)", r.limits.MaxQueued)})
	}
	for _, name := range slow {
		r.broadcast(Left(name))
	}
}

// tell hands e to the room's Events, if any.
func (r *Room) tell(e Event) {
	if r.limits.Events != nil {
		r.limits.Events(e)
	}
}

func (r *Room) remove(name string) {
	delete(r.full, r.members[name])
	delete(r.members, name)
	r.names = slices.DeleteFunc(r.names, func(n string) bool { return n == name })
}

// Flow control. A kit's chat never drops a member for what they have not
// read yet: a member whose backlog passes the high-water mark calls Full,
// and from then on the room is Congested: each sender checks Congested
// before it says a line and, while it is, stops reading and calls Wait.
// When the member has taken all but the low-water mark of their backlog,
// it calls Drained, and once no member is full, the stopped senders are
// resumed, the first stopped first. A member who takes nothing for
// Limits.DropGrace is dropped (Drop), which ends their part in the
// congestion too. So every byte a sender adds waits for the room's
// slowest reader, as TCP makes a writer wait for its one reader.

// Full records that m's backlog is above the high-water mark.
func (r *Room) Full(m Member) { r.full[m] = true }

// Congested reports whether a member's backlog is above the high-water
// mark: then no one may Say until Wait resumes them.
func (r *Room) Congested() bool { return len(r.full) > 0 }

// Wait has resume called once the room is no longer congested. resume is
// called by Drained, Leave or Drop, inside them, and once.
func (r *Room) Wait(resume func()) { r.waiting = append(r.waiting, resume) }

// Drained records that m's backlog is back at the low-water mark, and
// resumes the senders waiting if no member is full any more.
func (r *Room) Drained(m Member) {
	if r.full[m] {
		delete(r.full, m)
		r.wake()
	}
}

// wake resumes the waiting senders, in order, while the room is not
// congested: a resumed sender that congests it again stops the rest.
func (r *Room) wake() {
	for len(r.full) == 0 && len(r.waiting) > 0 {
		resume := r.waiting[0]
		r.waiting = r.waiting[1:]
		resume()
	}
}
