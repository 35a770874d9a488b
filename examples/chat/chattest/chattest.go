// Package chattest checks a chat server against the talk's: its texts, who
// hears what, the order of the messages, and the limits (names, line
// length, users, slow readers). Its clients use Go's net package and run in
// parallel, so that the server meets many users at once.
//
// Run is used by the examples' tests on every style and backend, and can
// check any chat server that speaks the texts of internal/chatroom, such as
// the one a tutorial step builds. RunRoom adds what a real room does (a
// paste, everyone bursting, peers that never read), which the talk's
// simpler chat does not survive.
package chattest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/internal/chatroom"
)

// A Starter starts a fresh chat server that keeps limits, for one subtest,
// and returns its address; it stops the server with t.Cleanup.
type Starter func(t *testing.T, limits chatroom.Limits) (addr string)

// Limits are the limits the suite starts servers with: small, so that the
// limits are reached with little traffic (a few dozen lines reach
// HighWater), with room in the talk's queues for the bursts of
// MessagesInOrder, and a DropGrace short enough for a test to wait out,
// long enough for a client that reads to read.
var Limits = chatroom.Limits{
	MaxLine:     200,
	MaxName:     16,
	MaxUsers:    32,
	HighWater:   8 << 10,
	DropGrace:   scaled(time.Second),
	NameTimeout: scaled(10 * time.Second),
	MaxQueued:   512,
}

// Run runs the chat suite against the servers start makes, one per subtest.
// A pass proves that the server speaks the talk's texts; that a join is
// announced to the others, once; that every message reaches every user,
// none lost, none duplicated, each user's in the order sent and all in the
// same order for everyone; that a leave, orderly or by reset, is announced
// once; that a taken, empty or bad name is asked again; that long lines are
// cut, a full room refuses; that no control character reaches another
// user's terminal; and that a user who stops reading is dropped while the
// others go on. RunRoom checks what a real room adds.
func Run(t *testing.T, start Starter) {
	tests := []struct {
		name string
		fn   func(*testing.T, Starter)
	}{
		{"Prompt", testPrompt},
		{"JoinAnnouncedToOthers", testJoinAnnouncedToOthers},
		{"MessagesInOrder", testMessagesInOrder},
		{"NameTaken", testNameTaken},
		{"NameAskedAgain", testNameAskedAgain},
		{"LeaveAnnouncedOnce", testLeaveAnnouncedOnce},
		{"LongLineCut", testLongLineCut},
		{"ControlBytesEscaped", testControlBytesEscaped},
		{"FullRoom", testFullRoom},
		{"SlowUserDropped", testSlowUserDropped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, start) })
	}
}

// Bound is how long a client may wait for the server: 20 s, times
// LOOPKIT_TIME_SCALE on a slow machine. Every client connection has it as
// its deadline, so a server that stops answering fails the test instead of
// hanging it.
func Bound() time.Duration { return scaled(20 * time.Second) }

// scaled returns d times LOOPKIT_TIME_SCALE, if that is set: the waits a
// slow machine needs longer, a bound or a grace that a client that reads
// must be able to meet.
func scaled(d time.Duration) time.Duration {
	scale, err := strconv.ParseFloat(os.Getenv("LOOPKIT_TIME_SCALE"), 64)
	if err != nil || scale <= 0 {
		scale = 1
	}
	return time.Duration(float64(d) * scale)
}

func testPrompt(t *testing.T, start Starter) {
	c := connect(t, start(t, Limits), "")
	c.expect(chatroom.Prompt)
}

// testJoinAnnouncedToOthers joins three users one after the other: each is
// announced to those already there, and the newcomer hears nothing of it
// (its next line is the next message).
func testJoinAnnouncedToOthers(t *testing.T, start Starter) {
	addr := start(t, Limits)
	users := joinAll(t, addr, "alice", "bob", "carol")
	users[2].say("hello")
	for _, u := range users {
		u.expect("carol> hello\n")
	}
}

// testMessagesInOrder has every user send its lines at once, all users in
// parallel, and checks what each user received (see hearAll).
func testMessagesInOrder(t *testing.T, start Starter) {
	const users, lines = 10, 20
	cs := joinAll(t, start(t, Limits), userNames("u", users)...)
	hearAll(t, cs, cs, lines)
}

// userNames returns n names: prefix0, prefix1, ...
func userNames(prefix string, n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return names
}

// hearAll has each of senders send lines numbered lines in one write, all
// at once, while every user of cs reads; then it checks what each received:
// every line exactly once, each sender's in the order sent, and the same
// order for everyone (the order the server received them in).
func hearAll(t *testing.T, cs, senders []*client, lines int) {
	t.Helper()
	for _, c := range senders {
		go c.sayAll(lines)
	}
	got := make([][]string, len(cs))
	done := make(chan int)
	for i, c := range cs {
		go func() {
			got[i] = c.readLines(len(senders) * lines)
			done <- i
		}()
	}
	for range cs {
		<-done
	}
	names := make([]string, len(senders))
	for i, c := range senders {
		names[i] = c.name
	}
	for i, c := range cs {
		checkSenderOrder(t, c.name, got[i], names, lines)
		if diff := cmp.Diff(got[0], got[i]); diff != "" {
			t.Errorf("%s and %s received the messages in different orders (-%s +%s):\n%s",
				cs[0].name, c.name, cs[0].name, c.name, diff)
		}
	}
}

// checkSenderOrder checks that got, what receiver received, holds every
// line of every sender once, in the order sent.
func checkSenderOrder(t *testing.T, receiver string, got, senders []string, lines int) {
	t.Helper()
	next := make(map[string]int)
	for _, line := range got {
		sender, text, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "> ")
		if !ok {
			t.Errorf("%s received %q, want a message", receiver, line)
			return
		}
		want := fmt.Sprintf("line %d of %s", next[sender], sender)
		if text != want {
			t.Errorf("%s received %q, want %q next from %s", receiver, line, want, sender)
			return
		}
		next[sender]++
	}
	for _, s := range senders {
		if next[s] != lines {
			t.Errorf("%s received %d lines of %s, want %d", receiver, next[s], s, lines)
		}
	}
}

// testNameTaken asks for a name in use: the server says so and asks again.
func testNameTaken(t *testing.T, start Starter) {
	addr := start(t, Limits)
	alice := joinAll(t, addr, "alice")[0]
	c := connect(t, addr, "")
	c.expect(chatroom.Prompt)
	c.send("alice")
	c.expect(chatroom.NameTaken + chatroom.Prompt)
	c.send("alice2")
	alice.expect("## alice2 joined from 127.0.0.1.\n")
}

// testNameAskedAgain gives an empty name (asked again without a word), a
// name too long, one with a control character and one that is not UTF-8
// (asked again, with the reason).
func testNameAskedAgain(t *testing.T, start Starter) {
	addr := start(t, Limits)
	watcher := joinAll(t, addr, "watcher")[0]
	c := connect(t, addr, "")
	c.expect(chatroom.Prompt)
	c.send("   ")
	c.expect(chatroom.Prompt)
	c.send(strings.Repeat("n", Limits.MaxName+1))
	c.expect(chatroom.NameInvalid(Limits.MaxName) + chatroom.Prompt)
	c.send("bell\a")
	c.expect(chatroom.NameInvalid(Limits.MaxName) + chatroom.Prompt)
	c.send("bad\xffutf8")
	c.expect(chatroom.NameInvalid(Limits.MaxName) + chatroom.Prompt)
	c.send(strings.Repeat("n", Limits.MaxName))
	watcher.expect(fmt.Sprintf("## %s joined from 127.0.0.1.\n", strings.Repeat("n", Limits.MaxName)))
}

// testLeaveAnnouncedOnce has one user leave in order and one by a reset:
// the others hear each once, and then the chat goes on.
func testLeaveAnnouncedOnce(t *testing.T, start Starter) {
	addr := start(t, Limits)
	cs := joinAll(t, addr, "alice", "bob", "carol", "dave")
	alice, bob, carol, dave := cs[0], cs[1], cs[2], cs[3]
	bob.conn.Close()
	for _, u := range []*client{alice, carol, dave} {
		u.expect("## bob left the chat.\n")
	}
	dave.conn.(*net.TCPConn).SetLinger(0)
	dave.conn.Close()
	for _, u := range []*client{alice, carol} {
		u.expect("## dave left the chat.\n")
	}
	carol.say("still here")
	alice.expect("carol> still here\n")
	carol.expect("carol> still here\n")
}

// testLongLineCut sends a line longer than MaxLine: the others get its
// first MaxLine bytes, and the next line whole.
func testLongLineCut(t *testing.T, start Starter) {
	addr := start(t, Limits)
	cs := joinAll(t, addr, "alice", "bob")
	long := strings.Repeat("abcdefghij", Limits.MaxLine/10+5)
	cs[0].say(long)
	cs[0].say("short")
	cs[1].expect("alice> " + long[:Limits.MaxLine] + "\n" + "alice> short\n")
}

// testControlBytesEscaped sends a line with an escape sequence that would
// clear the screen, a bell, a NUL, a carriage return that would overwrite
// the sender's name, a C1 control, a byte that is not UTF-8, and a tab:
// the others get the controls shown as \xNN, the bad byte as U+FFFD, the
// tab as it is.
func testControlBytesEscaped(t *testing.T, start Starter) {
	cs := joinAll(t, start(t, Limits), "alice", "bob")
	cs[0].say("a\x1b[2Jb\ac\x00d\re\u009bf\xffg\th")
	cs[1].expect("alice> a\\x1b[2Jb\\x07c\\x00d\\x0de\\x9bf\ufffdg\th\n")
}

// testFullRoom fills a room of MaxUsers; one more is told the room is full
// and disconnected.
func testFullRoom(t *testing.T, start Starter) {
	limits := Limits
	limits.MaxUsers = 3
	addr := start(t, limits)
	joinAll(t, addr, "a", "b", "c")
	c := connect(t, addr, "")
	c.expect(chatroom.Prompt)
	c.send("d")
	c.expect(chatroom.Full)
	c.expectEOF()
}

// testSlowUserDropped has a user stop reading while another talks: the
// talker must not be held up, everyone else hears the slow user left, and
// the slow user, reading at last, finds whole messages, then TooSlow, then
// the end of the stream.
func testSlowUserDropped(t *testing.T, start Starter) {
	limits := Limits
	limits.MaxQueued = 16
	limits.HighWater = 2 << 10
	limits.DropGrace = scaled(500 * time.Millisecond)
	addr := start(t, limits)
	cs := joinAll(t, addr, "watcher", "talker")
	watcher, talker := cs[0], cs[1]
	slow := connect(t, addr, "slow")
	watcher.expect("## slow joined from 127.0.0.1.\n")
	talker.expect("## slow joined from 127.0.0.1.\n")

	talkUntilDropped(t, talker, []*client{talker, watcher}, limits.MaxLine, "slow")
	talker.say("still here")
	watcher.expect("talker> still here\n")
	talker.expect("talker> still here\n")

	checkDroppedStream(t, slow, limits.MaxLine)
}

// talkUntilDropped has talker send long lines, each once every reader has
// read the one before (clients that keep up), until they hear that who
// left: the news comes to all of them between the same two lines.
func talkUntilDropped(t *testing.T, talker *client, readers []*client, size int, who string) {
	t.Helper()
	const maxLines = 20000 // a bound: on loopback a few thousand fill the slow socket
	left := fmt.Sprintf("## %s left the chat.\n", who)
	for i := range maxLines {
		line := bigLine(i, size)
		talker.say(line)
		heard := 0
		for _, r := range readers {
			got := r.readLine()
			if got == left {
				heard++
				got = r.readLine()
			}
			if want := "talker> " + line + "\n"; got != want {
				t.Fatalf("%s received %.60q..., want line %d of talker", r.name, got, i)
			}
		}
		switch heard {
		case 0:
		case len(readers):
			return
		default:
			t.Fatalf("before line %d, %d of %d users heard %q", i, heard, len(readers), left)
		}
	}
	t.Fatalf("talker sent %d lines of %d bytes and %s, who reads nothing, was not dropped", maxLines, size, who)
}

// checkDroppedStream reads what the dropped user was sent: whole messages of
// talker, then TooSlow, then the end of the stream.
func checkDroppedStream(t *testing.T, slow *client, size int) {
	t.Helper()
	for i := 0; ; i++ {
		line := slow.readLine()
		if line == chatroom.TooSlow {
			break
		}
		if want := fmt.Sprintf("talker> %s\n", bigLine(i, size)); line != want {
			t.Fatalf("the dropped user's line %d: got %.60q..., want %.60q...", i, line, want)
		}
	}
	slow.expectEOF()
}

// bigLine returns line i of the talker: size bytes, numbered.
func bigLine(i, size int) string {
	prefix := fmt.Sprintf("%06d ", i)
	return prefix + strings.Repeat("z", size-len(prefix))
}

// A client is one user of the chat, over Go's net.
type client struct {
	t    *testing.T
	name string
	conn net.Conn
	r    *bufio.Reader
}

// connect dials addr. With a name, it reads the prompt and sends the name.
// A name of "slow" makes the receive buffer as small as the kernel allows
// (see connectSlow).
func connect(t *testing.T, addr, name string) *client {
	t.Helper()
	if name == "slow" {
		return connectSlow(t, addr, name)
	}
	return dial(t, addr, name, nil)
}

// connectSlow is connect with the receive buffer as small as the kernel
// allows, set before the connection is made (so that TCP's window stays
// small): the socket of a user who does not read fills after a few
// kilobytes.
func connectSlow(t *testing.T, addr, name string) *client {
	t.Helper()
	return dial(t, addr, name, smallReceiveBuffer)
}

func dial(t *testing.T, addr, name string, control func(network, address string, raw syscall.RawConn) error) *client {
	t.Helper()
	d := net.Dialer{Timeout: Bound(), Control: control}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	conn.SetDeadline(time.Now().Add(Bound()))
	t.Cleanup(func() { conn.Close() })
	c := &client{t: t, name: name, conn: conn, r: bufio.NewReader(conn)}
	if name != "" {
		c.expect(chatroom.Prompt)
		c.send(name)
	}
	return c
}

func smallReceiveBuffer(network, address string, raw syscall.RawConn) error {
	var err error
	raw.Control(func(fd uintptr) {
		err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 1024)
	})
	return err
}

// joinAll joins users one after the other, and returns them once each is
// known to be in the room: the first says "ready" and hears it back (which
// the server does only for a user in the room), and for each later one,
// everyone already there reads that it joined (which the server says at the
// step that puts it in).
func joinAll(t *testing.T, addr string, names ...string) []*client {
	t.Helper()
	var cs []*client
	for i, name := range names {
		c := connect(t, addr, name)
		if i == 0 {
			c.say("ready")
			c.expect(name + "> ready\n")
		}
		for _, old := range cs {
			old.expect(fmt.Sprintf("## %s joined from 127.0.0.1.\n", name))
		}
		cs = append(cs, c)
	}
	return cs
}

// send writes line and "\n".
func (c *client) send(line string) {
	c.t.Helper()
	if _, err := io.WriteString(c.conn, line+"\n"); err != nil {
		c.t.Fatalf("%s: sending %q: %v", c.name, line, err)
	}
}

// say is send, for a user in the room.
func (c *client) say(line string) { c.t.Helper(); c.send(line) }

// sayAll sends n numbered lines in one write, so that they reach the server
// in a burst. It runs in its own goroutine: it reports with Errorf.
func (c *client) sayAll(n int) {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "line %d of %s\n", i, c.name)
	}
	if _, err := io.WriteString(c.conn, b.String()); err != nil {
		c.t.Errorf("%s: sending its lines: %v", c.name, err)
	}
}

// readLine reads one line, "\n" included.
func (c *client) readLine() string {
	c.t.Helper()
	line, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("%s: reading a line: got %q, then %v", c.name, line, err)
	}
	return line
}

// readLines reads n lines; it runs in its own goroutine, so it reports with
// Errorf and returns what it got.
func (c *client) readLines(n int) []string {
	lines := make([]string, 0, n)
	for range n {
		line, err := c.r.ReadString('\n')
		if err != nil {
			c.t.Errorf("%s: reading line %d of %d: %v", c.name, len(lines)+1, n, err)
			return lines
		}
		lines = append(lines, line)
	}
	return lines
}

// expect reads len(want) bytes and fails unless they are want.
func (c *client) expect(want string) {
	c.t.Helper()
	got := make([]byte, len(want))
	n, err := io.ReadFull(c.r, got)
	if string(got[:n]) != want {
		c.t.Fatalf("%s: got %q (then %v), want %q", c.name, got[:n], err, want)
	}
}

// expectEOF reads the end of the stream (or a reset: the server may close
// with data of ours unread).
func (c *client) expectEOF() {
	c.t.Helper()
	rest, err := io.ReadAll(c.r)
	if err != nil && !isReset(err) {
		c.t.Fatalf("%s: waiting for the server to close: %v", c.name, err)
	}
	if len(rest) > 0 {
		c.t.Fatalf("%s: got %q, want the end of the stream", c.name, rest)
	}
}

func isReset(err error) bool {
	return strings.Contains(err.Error(), "connection reset")
}
