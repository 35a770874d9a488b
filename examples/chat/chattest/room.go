package chattest

import (
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/loopkit/loopkit/internal/chatroom"
)

// RunRoom runs the cases of a real room, such as a workshop's, against the
// servers start makes: the talk's chat, whose queues hold a fixed number of
// messages, fails them. A pass proves that a user who reads gets every
// line, whole and in order, however much others send at once (one paste of
// thousands of lines, everyone bursting together); that a peer who never
// reads, before giving a name or after joining, costs the server a bounded
// amount of memory and is eventually dropped; that nothing is said under a
// dropped user's name after their "left" line, even once someone else has
// taken the name; and that a connection that gives no name is closed after
// NameTimeout.
//
// The memory bound is checked on the test's own heap: it means something
// for a server that runs in the test's process, as the kit's do.
func RunRoom(t *testing.T, start Starter) {
	tests := []struct {
		name string
		fn   func(*testing.T, Starter)
	}{
		{"Paste", testPaste},
		{"EveryoneBursts", testEveryoneBursts},
		{"NeverReaderBeforeName", testNeverReaderBeforeName},
		{"NeverReaderAfterJoin", testNeverReaderAfterJoin},
		{"NoGhostAfterDrop", testNoGhostAfterDrop},
		{"ResetWhileTheRoomWaits", testResetWhileTheRoomWaits},
		{"NameTimeout", testNameTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, start) })
	}
}

// dropSoon are the Limits with a short DropGrace, for the cases where a
// user who reads nothing must be dropped while the others read on.
var dropSoon = func() chatroom.Limits {
	l := Limits
	l.DropGrace = scaled(250 * time.Millisecond)
	return l
}()

// heapBound is how much the test process's heap may grow while a peer
// pushes megabytes at a server that must stop reading from it.
const heapBound = 16 << 20

// testPaste has one user paste 3000 lines in one write while five others
// read: everyone, the paster included, gets all of them, in order.
func testPaste(t *testing.T, start Starter) {
	cs := joinAll(t, start(t, Limits), userNames("u", 6)...)
	hearAll(t, cs, cs[:1], 3000)
}

// testEveryoneBursts has 20 users each send 200 lines in one write, all at
// once: everyone gets all 4000, each sender's in order, all in one order.
func testEveryoneBursts(t *testing.T, start Starter) {
	cs := joinAll(t, start(t, Limits), userNames("u", 20)...)
	hearAll(t, cs, cs, 200)
}

// testNeverReaderBeforeName has a peer that reads nothing send empty names,
// each of which the server answers with a prompt: the server must stop
// reading from it while its replies are unsent, not buffer a prompt for
// each. Then the room still works.
func testNeverReaderBeforeName(t *testing.T, start Starter) {
	addr := start(t, Limits)
	watcher := joinAll(t, addr, "watcher")[0]
	silent := connectSlow(t, addr, "")
	before := heapInUse()
	pushed := silent.push("\n", 4<<20)
	if grew := heapSettled() - before; grew > heapBound {
		t.Errorf("a peer that reads nothing sent %d empty names; the heap grew by %d MB, want at most %d MB: "+
			"stop reading from a connection while its replies are unsent", pushed, grew>>20, heapBound>>20)
	}
	watcher.say("still here")
	watcher.expect("watcher> still here\n")
}

// testNeverReaderAfterJoin has a user who reads nothing send line after
// line, which the room sends back to them too, while another user reads:
// the server's memory stays bounded, the reader gets every line of the
// silent user until they are dropped, then hears they left.
func testNeverReaderAfterJoin(t *testing.T, start Starter) {
	addr := start(t, dropSoon)
	watcher := joinAll(t, addr, "watcher")[0]
	silent := connectSlow(t, addr, "silent")
	watcher.expect(chatroom.Joined("silent", "127.0.0.1"))
	heard := watcher.readUntilAsync(chatroom.Left("silent"))
	before := heapInUse()
	pushed := silent.push("x\n", 4<<20)
	if grew := heapSettled() - before; grew > heapBound {
		t.Errorf("a user who reads nothing sent %d bytes of lines; the heap grew by %d MB, want at most %d MB",
			pushed, grew>>20, heapBound>>20)
	}
	for _, line := range <-heard {
		if line != "silent> x\n" {
			t.Fatalf("watcher received %q, want only the silent user's lines until they left", line)
		}
	}
}

// testNoGhostAfterDrop has a user who reads nothing keep talking until the
// room drops them; then someone else takes the name and talks. The watcher
// must hear nothing under the name between the "left" line and the new
// user's arrival, and only the new user after it.
func testNoGhostAfterDrop(t *testing.T, start Starter) {
	addr := start(t, dropSoon)
	watcher := joinAll(t, addr, "watcher")[0]
	ghost := connectSlow(t, addr, "ghost")
	watcher.expect(chatroom.Joined("ghost", "127.0.0.1"))
	go ghost.push("boo\n", 4<<20)
	for line := watcher.readLine(); line != chatroom.Left("ghost"); line = watcher.readLine() {
		if line != "ghost> boo\n" {
			t.Fatalf("watcher received %q, want only the ghost's lines until it left", line)
		}
	}
	newcomer := connect(t, addr, "ghost")
	newcomer.say("hello")
	newcomer.expect("ghost> hello\n")
	watcher.say("done")
	want := []string{chatroom.Joined("ghost", "127.0.0.1"), "ghost> hello\n", "watcher> done\n"}
	for _, w := range want {
		if got := watcher.readLine(); got != w {
			t.Fatalf("after the ghost was dropped, watcher received %q, want %q", got, w)
		}
	}
}

// testResetWhileTheRoomWaits has a user who reads nothing talk until the
// room waits for them, then reset the connection before DropGrace: the
// others hear they left, and the room goes on.
func testResetWhileTheRoomWaits(t *testing.T, start Starter) {
	addr := start(t, Limits)
	watcher := joinAll(t, addr, "watcher")[0]
	silent := connectSlow(t, addr, "silent")
	watcher.expect(chatroom.Joined("silent", "127.0.0.1"))
	heard := watcher.readUntilAsync(chatroom.Left("silent"))
	silent.push("x\n", 4<<20)
	silent.conn.(*net.TCPConn).SetLinger(0)
	silent.conn.Close()
	<-heard
	watcher.say("still here")
	watcher.expect("watcher> still here\n")
}

// testNameTimeout has a connection give no name: after NameTimeout it is
// told so and closed. A user who joined before and said nothing since is
// still in the room.
func testNameTimeout(t *testing.T, start Starter) {
	limits := Limits
	limits.NameTimeout = 300 * time.Millisecond
	addr := start(t, limits)
	alice := joinAll(t, addr, "alice")[0]
	idle := connect(t, addr, "")
	idle.expect(chatroom.Prompt + chatroom.NameTimedOut)
	idle.expectEOF()
	alice.say("still here")
	alice.expect("alice> still here\n")
}

// push writes chunk again and again, up to max bytes, until the server
// stops taking them (a write makes no progress for 200 ms), and returns how
// many bytes it wrote. It may run in its own goroutine: it reports nothing.
func (c *client) push(chunk string, max int) int {
	block := []byte(strings.Repeat(chunk, (16<<10)/len(chunk)))
	pushed := 0
	for pushed < max {
		c.conn.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
		n, err := c.conn.Write(block)
		pushed += n
		if err != nil {
			break
		}
	}
	c.conn.SetWriteDeadline(time.Now().Add(Bound()))
	return pushed
}

// readUntilAsync reads lines in a goroutine until last, and sends those
// before it on the channel it returns.
func (c *client) readUntilAsync(last string) <-chan []string {
	heard := make(chan []string, 1)
	go func() {
		var lines []string
		for {
			line, err := c.r.ReadString('\n')
			if err != nil {
				c.t.Errorf("%s: reading until %q: got %q, then %v", c.name, last, line, err)
				break
			}
			if line == last {
				break
			}
			lines = append(lines, line)
		}
		heard <- lines
	}()
	return heard
}

// heapSettled returns the heap in use once it stops growing by a megabyte
// in 50 ms (for at most a second): the server may still be handling what
// the kernel took for it.
func heapSettled() int {
	last := heapInUse()
	for range 20 {
		time.Sleep(50 * time.Millisecond)
		now := heapInUse()
		if now-last < 1<<20 {
			return max(now, last)
		}
		last = now
	}
	return last
}

// heapInUse returns the bytes of the heap in use after a collection.
func heapInUse() int {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int(m.HeapInuse)
}
