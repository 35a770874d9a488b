package chatroom

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestConsoleTellsJoinsLeavesDropsAndTheRate runs a room with a console on
// a fake clock: a join, messages, a leave, a drop for each reason, and the
// rate lines of two windows, the second of which had no message.
func TestConsoleTellsJoinsLeavesDropsAndTheRate(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 1, 7, 0, time.UTC)
	var out strings.Builder
	console := NewConsole(&out, func() time.Time { return now })
	r := NewRoom(Limits{MaxUsers: 10, MaxQueued: 2, HighWater: 64 << 10, DropGrace: 5 * time.Second, Events: console.Event})
	alice, bob, carol, dave, eve := &queue{max: 100}, &queue{max: 100}, &queue{max: 100}, &queue{max: 100}, &queue{max: 2}

	mustJoinFrom(t, r, "alice", "192.168.1.23", alice)
	mustJoin(t, r, "bob", bob)
	mustJoin(t, r, "carol", carol)
	mustJoin(t, r, "dave", dave)
	now = now.Add(2 * time.Second)
	r.Say("alice", "hello")
	r.Leave("bob", bob)
	r.Drop("carol", carol, ErrTooSlow)
	r.Drop("dave", dave, fmt.Errorf("write tcp 1.2.3.4:8001->5.6.7.8:9: %w", syscall.EPIPE))
	mustJoin(t, r, "eve", eve) // eve's queue holds 2: the next message drops her
	r.Say("alice", "one")
	r.Say("alice", "two")
	r.Say("alice", "three")
	now = now.Add(RateEvery)
	console.Tick()
	now = now.Add(RateEvery)
	console.Tick()

	want := []string{
		"12:01:07  + alice (192.168.1.23)",
		"12:01:07  + bob (127.0.0.1)",
		"12:01:07  + carol (127.0.0.1)",
		"12:01:07  + dave (127.0.0.1)",
		"12:01:09  - bob left",
		"12:01:09  ! carol dropped: too slow (64 KiB unread for 5s)",
		"12:01:09  ! dave dropped: broken pipe",
		"12:01:09  + eve (127.0.0.1)",
		"12:01:09  ! eve dropped: too slow (2 messages unread)",
		"12:01:19    0.4 msg/s, 1 users",
	}
	if diff := cmp.Diff(want, strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")); diff != "" {
		t.Errorf("the console wrote (-want +got):\n%s", diff)
	}
}

func mustJoinFrom(t *testing.T, r *Room, name, ip string, m Member) {
	t.Helper()
	if err := r.Join(name, ip, m); err != nil {
		t.Fatalf("Join(%q): %v", name, err)
	}
}
