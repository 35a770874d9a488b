package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loopkit/loopkit/internal/chatroom"
)

// A chatLoad is users chatting at once: each sends a line, waits until its
// own line comes back (reading everyone else's meanwhile), and sends the
// next, for warmup and then window. Every line a user receives in the
// window is a delivery. One line in flight per user keeps every queue far
// below its bound, so nobody is dropped for being slow.
type chatLoad struct {
	users  int
	warmup time.Duration
	window time.Duration
}

// chatFigures is what a chat load measured.
type chatFigures struct {
	Deliveries int64   `json:"deliveries"`
	PerSecond  float64 `json:"deliveries_per_second"`
	Sent       int64   `json:"lines_sent"`
}

func (ld chatLoad) run(addr string, onWindow func(opening bool)) (chatFigures, error) {
	users, err := joinUsers(addr, ld.users)
	if err != nil {
		return chatFigures{}, err
	}
	defer func() {
		for _, u := range users {
			u.conn.Close()
		}
	}()
	open := time.Now().Add(ld.warmup)
	close := open.Add(ld.window)
	var delivered, sent atomic.Int64
	errs := make([]error, len(users))
	var all sync.WaitGroup
	for i, u := range users {
		all.Go(func() { errs[i] = u.talk(open, close, &delivered, &sent) })
	}
	time.Sleep(time.Until(open))
	onWindow(true)
	time.Sleep(time.Until(close))
	onWindow(false)
	all.Wait()
	for _, err := range errs {
		if err != nil {
			return chatFigures{}, err
		}
	}
	return chatFigures{Deliveries: delivered.Load(), PerSecond: float64(delivered.Load()) / ld.window.Seconds(), Sent: sent.Load()}, nil
}

// A chatUser is one client of the chat load.
type chatUser struct {
	name string
	conn net.Conn
	r    *bufio.Reader
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
		u := &chatUser{name: fmt.Sprintf("u%02d", i), conn: conn, r: bufio.NewReader(conn)}
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

// talk is one user's closed loop: say a line, read until it comes back.
func (u *chatUser) talk(open, close time.Time, delivered, sent *atomic.Int64) error {
	for seq := 0; time.Now().Before(close); seq++ {
		line := fmt.Sprintf("message %d", seq)
		if _, err := fmt.Fprintf(u.conn, "%s\n", line); err != nil {
			return fmt.Errorf("%s: %w", u.name, err)
		}
		if time.Now().After(open) {
			sent.Add(1)
		}
		if err := u.readUntil(chatroom.Message(u.name, line), open, close, delivered); err != nil {
			return err
		}
	}
	return nil
}

// readUntil reads lines, counting those that arrive in the window, until
// own comes back. A user leaving means one was dropped: an error.
func (u *chatUser) readUntil(own string, open, close time.Time, delivered *atomic.Int64) error {
	for {
		line, err := u.r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("%s: %w", u.name, err)
		}
		if now := time.Now(); now.After(open) && now.Before(close) {
			delivered.Add(1)
		}
		if strings.HasSuffix(line, " left the chat.\n") {
			return fmt.Errorf("%s: %q: a user was dropped under the load", u.name, line)
		}
		if line == own {
			return nil
		}
	}
}
