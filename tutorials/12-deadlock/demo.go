package main

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/loopkit/loopkit/internal/chatroom"
)

// A chatClient is one user of the demo, over Go's net: the world outside
// the server.
type chatClient struct {
	name string
	conn net.Conn
	r    *bufio.Reader
}

// joinChat connects to addr, reads the prompt and answers it with name.
func joinChat(addr, name string, bound time.Duration) (*chatClient, error) {
	conn, err := net.DialTimeout("tcp", addr, bound)
	if err != nil {
		return nil, err
	}
	c := &chatClient{name: name, conn: conn, r: bufio.NewReader(conn)}
	prompt := make([]byte, len(chatroom.Prompt))
	conn.SetDeadline(time.Now().Add(bound))
	if _, err := c.r.Read(prompt); err != nil || string(prompt) != chatroom.Prompt {
		conn.Close()
		return nil, fmt.Errorf("%s: got %q, %v; want the prompt %q", name, prompt, err, chatroom.Prompt)
	}
	c.send(name)
	return c, nil
}

// send sends line and "\n".
func (c *chatClient) send(line string) { fmt.Fprintf(c.conn, "%s\n", line) }

// readLine waits at most bound for the next line, and returns it without
// its "\n".
func (c *chatClient) readLine(bound time.Duration) (string, error) {
	c.conn.SetDeadline(time.Now().Add(bound))
	line, err := c.r.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("%s: reading a line: got %q, then %w", c.name, line, err)
	}
	return strings.TrimSuffix(line, "\n"), nil
}

// close leaves the chat. Calling it twice is harmless.
func (c *chatClient) close() { c.conn.Close() }
