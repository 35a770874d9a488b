package main

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/loopkit/loopkit/internal/chatroom"
)

// A chatScenario is how the users of a chat load talk: which of them
// send, how many lines each, and how. Every user reads everything, the
// senders included.
type chatScenario struct {
	name       string
	senders    int  // the first senders users send, the others only read; 0 means every user
	lines      int  // lines each sender sends
	oneAtATime bool // each line sent once the last came back; otherwise all in one write
}

// String says what the users do, as the report does.
func (sc chatScenario) String() string {
	who, how := "every user", "one at a time, each sent once the last came back"
	switch {
	case sc.senders == 1:
		who = "one user"
	case sc.senders > 1:
		who = fmt.Sprintf("%d users", sc.senders)
	}
	if !sc.oneAtATime {
		how = "in one write"
	}
	return fmt.Sprintf("%s sends %d lines %s", who, sc.lines, how)
}

// chatScenarios are the loads compare runs against each chat server: the
// room at a steady pace, as in the talk; one user pasting a long text; and
// every user pasting at once. A paste is one write, so that its lines
// reach the server together, as they do from a terminal.
var chatScenarios = []chatScenario{
	{name: "steady", lines: 100, oneAtATime: true},
	{name: "paste", senders: 1, lines: 2000},
	{name: "burst", lines: 100},
}

// A chatLoad is users in a room playing a scenario, for at most bound.
//
// A delivery is one line received by one user. A line is lost if a user
// still connected at the end did not receive it; a reader is dropped if the
// server said they were too slow or closed their connection. A user stops
// reading once they have every line, once nothing has come for chatQuiet
// (a line the server never broadcast would otherwise be waited for), or at
// the end of bound: so a load ends, whatever the server does, and reports
// what it saw.
type chatLoad struct {
	users    int
	scenario chatScenario
	bound    time.Duration
	quiet    time.Duration // 0: chatQuiet
	onStart  func()        // if not nil, called once all have joined, as the scenario starts
}

// chatQuiet is how long a reader waits for the next line before it
// concludes that no more are coming.
const chatQuiet = 500 * time.Millisecond

// chatFigures is what a chat load saw.
type chatFigures struct {
	Deliveries int     `json:"deliveries"`
	PerSecond  float64 `json:"deliveries_per_second"` // from the first line sent to the last received
	Sent       int     `json:"lines_sent"`
	Lost       int     `json:"lines_lost"`
	Dropped    int     `json:"readers_dropped"`
}

// run joins the users, then plays the scenario: each user listens while
// the senders among them say their lines; it tallies what they heard.
func (ld chatLoad) run(addr string) (chatFigures, error) {
	users, err := joinUsers(addr, ld.users)
	if err != nil {
		return chatFigures{}, err
	}
	defer func() {
		for _, u := range users {
			u.conn.Close()
		}
	}()
	senders := ld.scenario.senders
	if senders == 0 {
		senders = len(users)
	}
	if ld.onStart != nil {
		ld.onStart()
	}
	began := time.Now()
	sent := make([]int, len(users))
	heard := make([]hearing, len(users))
	var all sync.WaitGroup
	for i, u := range users {
		u.in.end, u.in.quiet = began.Add(ld.bound), cmp.Or(ld.quiet, chatQuiet)
		u.conn.SetWriteDeadline(u.in.end)
		own, gone := make(chan struct{}, ld.scenario.lines), make(chan struct{})
		all.Go(func() {
			defer close(gone)
			heard[i] = u.listen(senders*ld.scenario.lines, own)
		})
		if i < senders {
			all.Go(func() { sent[i] = u.say(ld.scenario, own, gone) })
		}
	}
	all.Wait()
	return tally(began, sent, heard), nil
}

// A chatUser is one client of the chat load.
type chatUser struct {
	name string
	conn net.Conn
	in   *quietReader
	r    *bufio.Reader // reads in
}

// A quietReader reads a connection, each read waiting at most quiet
// and ending at end at the latest (no limit but the connection's deadline
// while end is zero).
type quietReader struct {
	conn  net.Conn
	end   time.Time
	quiet time.Duration
}

func (q *quietReader) Read(p []byte) (int, error) {
	if !q.end.IsZero() {
		deadline := time.Now().Add(q.quiet)
		if q.end.Before(deadline) {
			deadline = q.end
		}
		q.conn.SetReadDeadline(deadline)
	}
	return q.conn.Read(p)
}

// joinUsers joins n users one after the other, each known to be in the
// room before the next comes (as chattest does: everyone there reads that
// it joined).
func joinUsers(addr string, n int) ([]*chatUser, error) {
	var users []*chatUser
	fail := func(err error) ([]*chatUser, error) {
		for _, u := range users {
			u.conn.Close()
		}
		return nil, err
	}
	for i := range n {
		conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			return fail(err)
		}
		conn.SetDeadline(time.Now().Add(loadBound))
		in := &quietReader{conn: conn}
		u := &chatUser{name: fmt.Sprintf("u%02d", i), conn: conn, in: in, r: bufio.NewReader(in)}
		users = append(users, u)
		if err := u.join(users[:i]); err != nil {
			return fail(err)
		}
	}
	return users, nil
}

// join reads the prompt, sends the name, and waits until the others have
// read that the user joined (the first user says a line instead).
func (u *chatUser) join(others []*chatUser) error {
	prompt := make([]byte, len(chatroom.Prompt))
	if _, err := io.ReadFull(u.r, prompt); err != nil {
		return fmt.Errorf("%s: reading the prompt: %w", u.name, err)
	}
	if _, err := fmt.Fprintf(u.conn, "%s\n", u.name); err != nil {
		return err
	}
	if len(others) == 0 {
		fmt.Fprintf(u.conn, "ready\n")
		return u.expect(chatroom.Message(u.name, "ready"))
	}
	for _, o := range others {
		if err := o.expect(chatroom.Joined(u.name, "127.0.0.1")); err != nil {
			return err
		}
	}
	return nil
}

func (u *chatUser) expect(want string) error {
	got, err := u.r.ReadString('\n')
	if err != nil || got != want {
		return fmt.Errorf("%s: got %q (%v), want %q", u.name, got, err, want)
	}
	return nil
}

// A hearing is what one user heard of a scenario.
type hearing struct {
	lines   int       // messages received
	last    time.Time // when the last came
	dropped bool      // told they were too slow, or disconnected
}

// listen reads the room until the user has heard planned messages, is
// dropped, or hears nothing more. It hands each of the user's own lines to
// own, for a sender that waits for them; notices ("## ...") are not
// messages.
func (u *chatUser) listen(planned int, own chan<- struct{}) hearing {
	var h hearing
	for h.lines < planned {
		line, err := u.r.ReadString('\n')
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			return h
		case err != nil, line == chatroom.TooSlow:
			h.dropped = true
			return h
		case strings.HasPrefix(line, "## "):
		default:
			h.lines++
			h.last = time.Now()
			if strings.HasPrefix(line, u.name+"> ") {
				own <- struct{}{}
			}
		}
	}
	return h
}

// say sends the user's lines as the scenario has it, and returns how many
// went out: one at a time, each once the last came back (gone closes if
// the user stops listening), or all in one write.
func (u *chatUser) say(sc chatScenario, own, gone <-chan struct{}) int {
	if !sc.oneAtATime {
		var text strings.Builder
		for i := range sc.lines {
			fmt.Fprintf(&text, "line %d\n", i)
		}
		n, _ := io.WriteString(u.conn, text.String())
		return strings.Count(text.String()[:n], "\n")
	}
	for i := range sc.lines {
		if _, err := fmt.Fprintf(u.conn, "line %d\n", i); err != nil {
			return i
		}
		select {
		case <-own:
		case <-gone:
			return i + 1
		}
	}
	return sc.lines
}

// tally adds up what the users sent and heard.
func tally(began time.Time, sent []int, heard []hearing) chatFigures {
	var f chatFigures
	for _, n := range sent {
		f.Sent += n
	}
	var last time.Time
	for _, h := range heard {
		f.Deliveries += h.lines
		if h.last.After(last) {
			last = h.last
		}
		switch {
		case h.dropped:
			f.Dropped++
		case h.lines < f.Sent:
			f.Lost += f.Sent - h.lines
		}
	}
	if d := last.Sub(began); d > 0 {
		f.PerSecond = float64(f.Deliveries) / d.Seconds()
	}
	return f
}
