package steptest

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Send writes msg to the server, waiting at most bound for the kernel to
// take it.
func (c *Client) Send(msg string, bound time.Duration) error {
	c.conn.SetWriteDeadline(time.Now().Add(bound))
	defer c.conn.SetWriteDeadline(time.Time{})
	if _, err := io.WriteString(c.conn, msg); err != nil {
		return fmt.Errorf("%s: sending %q: %w", c.Name, msg, err)
	}
	return nil
}

// Expect reads as many bytes as want has, waiting at most bound, and
// returns an error that says what came instead, if anything else did.
func (c *Client) Expect(want string, bound time.Duration) error {
	c.conn.SetReadDeadline(time.Now().Add(bound))
	defer c.conn.SetReadDeadline(time.Time{})
	defer abortOnFailure(c.conn, c.srv.Failed())()
	got := make([]byte, len(want))
	n, err := io.ReadFull(c.conn, got)
	switch {
	case err != nil && closed(c.srv.Failed()):
		return fmt.Errorf("%s: waiting for %q, got %q, then the server failed (see what it reported)", c.Name, want, got[:n])
	case err != nil:
		return fmt.Errorf("%s: waiting for %q, got %q, then %s", c.Name, want, got[:n], describeReadErr(err, bound))
	case string(got) != want:
		return fmt.Errorf("%s: got %q, want %q", c.Name, got, want)
	}
	return nil
}

// CloseWrite closes the client's sending half: the server reads end of
// file, and may still answer.
func (c *Client) CloseWrite() error {
	type closeWriter interface{ CloseWrite() error }
	if cw, ok := c.conn.(closeWriter); ok {
		return cw.CloseWrite()
	}
	return fmt.Errorf("%s: the connection cannot close only its sending half", c.Name)
}

// ExpectEOF waits at most bound for the server to close the connection,
// with nothing more sent.
func (c *Client) ExpectEOF(bound time.Duration) error {
	c.conn.SetReadDeadline(time.Now().Add(bound))
	defer c.conn.SetReadDeadline(time.Time{})
	var extra [64]byte
	n, err := c.conn.Read(extra[:])
	switch {
	case n > 0:
		return fmt.Errorf("%s: waiting for the server to close the connection, got %q", c.Name, extra[:n])
	case errors.Is(err, io.EOF):
		return nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("%s: the server did not close the connection within %v", c.Name, bound)
	}
	return fmt.Errorf("%s: waiting for the server to close the connection: %w", c.Name, err)
}
