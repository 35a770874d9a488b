package chatroom

import (
	"errors"
	"slices"
)

// A Member is a user's end of the room: the queue their writer takes lines
// from. Each style implements it with its own queue (a channel, a buffer of
// the loop, a coroutines.Queue).
type Member interface {
	// Send puts msg on the user's queue and reports whether it fitted; it
	// must not wait. false means the queue already holds
	// Limits.MaxQueued messages.
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
// visits them in a fixed order and a test can predict it).
//
// A Room is not safe for concurrent use (see the package doc).
type Room struct {
	maxUsers int
	members  map[string]Member
	names    []string // the members' names in the order they joined
}

// NewRoom returns an empty room for at most maxUsers users.
func NewRoom(maxUsers int) *Room {
	return &Room{maxUsers: maxUsers, members: make(map[string]Member)}
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
	if len(r.members) >= r.maxUsers {
		return ErrFull
	}
	r.broadcast(Joined(name, ip))
	r.members[name] = m
	r.names = append(r.names, name)
	return nil
}

// Say sends line, from name, to every member, the sender included.
func (r *Room) Say(name, line string) { r.broadcast(Message(name, line)) }

// Leave removes m, if it is still the member called name (a user dropped
// for being slow has already been removed, and another user may have taken
// the name since), and tells everyone left. It reports whether m was there.
func (r *Room) Leave(name string, m Member) bool {
	if r.members[name] != m {
		return false
	}
	r.remove(name)
	r.broadcast(Left(name))
	return true
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
	}
	for _, name := range slow {
		r.broadcast(Left(name))
	}
}

func (r *Room) remove(name string) {
	delete(r.members, name)
	r.names = slices.DeleteFunc(r.names, func(n string) bool { return n == name })
}
