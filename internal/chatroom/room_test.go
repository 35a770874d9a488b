package chatroom

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// queue is a Member with a bounded queue that records what it was sent.
type queue struct {
	max     int
	got     []string
	dropped bool
}

func (q *queue) Send(msg string) bool {
	if len(q.got) >= q.max {
		return false
	}
	q.got = append(q.got, msg)
	return true
}

func (q *queue) Drop() { q.dropped = true }

func TestRoomTellsWhoJoinedSaidAndLeft(t *testing.T) {
	r := NewRoom(Limits{MaxUsers: 10, MaxQueued: 10})
	alice, bob := &queue{max: 10}, &queue{max: 10}
	mustJoin(t, r, "alice", alice)
	mustJoin(t, r, "bob", bob)
	r.Say("alice", "hi")
	r.Leave("alice", alice)

	if diff := cmp.Diff([]string{"## bob joined from 127.0.0.1.\n", "alice> hi\n"}, alice.got); diff != "" {
		t.Errorf("alice got (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"alice> hi\n", "## alice left the chat.\n"}, bob.got); diff != "" {
		t.Errorf("bob got (-want +got):\n%s", diff)
	}
}

func TestRoomRefusesTakenNameAndFullRoom(t *testing.T) {
	r := NewRoom(Limits{MaxUsers: 2, MaxQueued: 10})
	mustJoin(t, r, "alice", &queue{max: 10})
	if err := r.Join("alice", "127.0.0.1", &queue{max: 10}); err != ErrNameTaken {
		t.Errorf("Join of a taken name = %v, want %v", err, ErrNameTaken)
	}
	mustJoin(t, r, "bob", &queue{max: 10})
	if err := r.Join("carol", "127.0.0.1", &queue{max: 10}); err != ErrFull {
		t.Errorf("Join of a third user to a room of 2 = %v, want %v", err, ErrFull)
	}
	if got := r.Len(); got != 2 {
		t.Errorf("Len = %d, want 2", got)
	}
}

func TestRoomDropsASlowMemberAndTellsTheOthers(t *testing.T) {
	r := NewRoom(Limits{MaxUsers: 10, MaxQueued: 10})
	alice, slow, bob := &queue{max: 10}, &queue{max: 2}, &queue{max: 10}
	mustJoin(t, r, "alice", alice)
	mustJoin(t, r, "slow", slow)
	mustJoin(t, r, "bob", bob)
	r.Say("alice", "one") // slow's queue: full now
	r.Say("alice", "two") // slow is dropped

	if !slow.dropped {
		t.Fatal("a member whose queue was full was not dropped")
	}
	want := []string{"alice> one\n", "alice> two\n", "## slow left the chat.\n"}
	if diff := cmp.Diff(want, bob.got); diff != "" {
		t.Errorf("bob got (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"## bob joined from 127.0.0.1.\n", "alice> one\n"}, slow.got); diff != "" {
		t.Errorf("slow got (-want +got):\n%s", diff)
	}
	if r.Leave("slow", slow) {
		t.Error("Leave of a dropped member reported it was still there")
	}
}

func TestRoomDropsEverySlowMemberOnce(t *testing.T) {
	r := NewRoom(Limits{MaxUsers: 10, MaxQueued: 10})
	a, b, c := &queue{max: 10}, &queue{max: 10}, &queue{max: 10}
	mustJoin(t, r, "a", a)
	mustJoin(t, r, "b", b)
	mustJoin(t, r, "c", c)
	a.got = nil
	b.max, c.max = len(b.got), len(c.got) // both full
	r.Say("a", "x")
	want := []string{"a> x\n", "## b left the chat.\n", "## c left the chat.\n"}
	if diff := cmp.Diff(want, a.got); diff != "" {
		t.Errorf("a got (-want +got):\n%s", diff)
	}
	if r.Len() != 1 {
		t.Errorf("Len = %d, want 1", r.Len())
	}
}

func TestLeaveOfAReplacedMemberKeepsTheNewOne(t *testing.T) {
	r := NewRoom(Limits{MaxUsers: 10, MaxQueued: 10})
	old, newer, watcher := &queue{max: 0}, &queue{max: 10}, &queue{max: 10}
	mustJoin(t, r, "watcher", watcher)
	mustJoin(t, r, "x", old)
	r.Say("watcher", "hi") // drops old, whose queue holds nothing
	mustJoin(t, r, "x", newer)
	if r.Leave("x", old) {
		t.Error("Leave of the old x reported it was there")
	}
	r.Say("watcher", "still here?")
	if diff := cmp.Diff([]string{"watcher> still here?\n"}, newer.got); diff != "" {
		t.Errorf("the new x got (-want +got):\n%s", diff)
	}
}

func TestRoomResumesWaitingSendersOnceNoMemberIsFull(t *testing.T) {
	r := NewRoom(Limits{MaxUsers: 10, MaxQueued: 10})
	a, b := &queue{max: 10}, &queue{max: 10}
	mustJoin(t, r, "a", a)
	mustJoin(t, r, "b", b)
	var resumed []string
	r.Full(a)
	r.Full(b)
	if !r.Congested() {
		t.Fatal("Congested = false with two members full")
	}
	r.Wait(func() { resumed = append(resumed, "first") })
	r.Wait(func() { resumed = append(resumed, "second") })
	r.Drained(a)
	if len(resumed) != 0 {
		t.Errorf("resumed %v while b was still full", resumed)
	}
	r.Drop("b", b, ErrTooSlow)
	if diff := cmp.Diff([]string{"first", "second"}, resumed); diff != "" {
		t.Errorf("resumed (-want +got):\n%s", diff)
	}
	if !b.dropped || r.Congested() {
		t.Errorf("after Drop: dropped = %v, Congested = %v; want true, false", b.dropped, r.Congested())
	}
}

func TestRoomStopsResumingWhenASenderCongestsItAgain(t *testing.T) {
	r := NewRoom(Limits{MaxUsers: 10, MaxQueued: 10})
	a := &queue{max: 10}
	mustJoin(t, r, "a", a)
	var resumed []string
	r.Full(a)
	r.Wait(func() { resumed = append(resumed, "first"); r.Full(a) })
	r.Wait(func() { resumed = append(resumed, "second") })
	r.Drained(a)
	if diff := cmp.Diff([]string{"first"}, resumed); diff != "" {
		t.Errorf("resumed (-want +got):\n%s", diff)
	}
}

func TestSayEscapesControls(t *testing.T) {
	r := NewRoom(Limits{MaxUsers: 10, MaxQueued: 10})
	a := &queue{max: 10}
	mustJoin(t, r, "a", a)
	r.Say("a", "\x1b[2J")
	if diff := cmp.Diff([]string{`a> \x1b[2J` + "\n"}, a.got); diff != "" {
		t.Errorf("a got (-want +got):\n%s", diff)
	}
}

func mustJoin(t *testing.T, r *Room, name string, m Member) {
	t.Helper()
	if err := r.Join(name, "127.0.0.1", m); err != nil {
		t.Fatalf("Join(%q): %v", name, err)
	}
}
