package demo

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/loopkit/loopkit/internal/chatroom"
)

// A ChatUser is a client of the talk's chat server (steps 06, 08 and 12)
// that has given its name. Conn is there for a demo that writes in its
// own way, a byte at a time.
type ChatUser struct {
	Name string
	Conn net.Conn
	r    *bufio.Reader
}

// JoinChat connects to the chat at addr, waits for the prompt, and
// answers it with name. It gives up after bound.
func JoinChat(addr, name string, bound time.Duration) (*ChatUser, error) {
	conn, err := net.DialTimeout("tcp", addr, bound)
	if err != nil {
		return nil, err
	}
	u := &ChatUser{Name: name, Conn: conn, r: bufio.NewReader(conn)}
	conn.SetDeadline(time.Now().Add(bound))
	prompt := make([]byte, len(chatroom.Prompt))
	if _, err := io.ReadFull(u.r, prompt); err != nil || string(prompt) != chatroom.Prompt {
		conn.Close()
		return nil, fmt.Errorf("%s: got %q, %v; want the prompt %q", name, prompt, err, chatroom.Prompt)
	}
	if err := u.Say(name); err != nil {
		conn.Close()
		return nil, err
	}
	conn.SetDeadline(time.Time{}) // from now on, each ReadLine has its own
	return u, nil
}

// Say sends line and "\n".
func (u *ChatUser) Say(line string) error {
	_, err := io.WriteString(u.Conn, line+"\n")
	return err
}

// ReadLine waits at most bound for the next line, and returns it with its
// "\n".
func (u *ChatUser) ReadLine(bound time.Duration) (string, error) {
	u.Conn.SetReadDeadline(time.Now().Add(bound))
	line, err := u.r.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("%s: reading a line: got %q, then %w", u.Name, line, err)
	}
	return line, nil
}

// Close leaves the chat. Calling it twice is harmless.
func (u *ChatUser) Close() { u.Conn.Close() }
