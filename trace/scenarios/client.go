package scenarios

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/loopkit/loopkit/trace/scenarios/internal/stage"
)

// ioWait bounds each blocking call of a client or server of the scenarios:
// what they wait for is already on its way (the loop has done all it
// would), so only a broken program makes them wait at all.
const ioWait = 5 * time.Second

// A client is a user of a server under trace, on Go's net package: it
// plays the world outside the loop, one step at a time. Its steps note
// what it does in a lane of its own, named after it.
type client struct {
	s    *stage.Stage
	name string
	addr func() string // the server's address, known once the server runs
	conn net.Conn
}

func newClient(s *stage.Stage, name string, addr func() string) *client {
	return &client{s: s, name: name, addr: addr}
}

// dial connects: the listener becomes readable.
func (c *client) dial() stage.Step {
	return stage.Step{Name: c.name + " connects", Do: func() error {
		conn, err := net.DialTimeout("tcp", c.addr(), ioWait)
		if err != nil {
			return err
		}
		c.conn = conn
		// The server may name what serves the client after its address,
		// which changes from run to run: call it by the client's name.
		c.s.Recorder().Rename(conn.LocalAddr().String(), c.name)
		c.s.Note(c.name, "%s connects", c.name)
		return nil
	}}
}

// send writes text: the server's end becomes readable.
func (c *client) send(text string) stage.Step {
	return stage.Step{Name: c.name + " sends " + strconv.Quote(text), Do: func() error {
		c.s.Note(c.name, "%s sends %s", c.name, strconv.Quote(text))
		_, err := io.WriteString(c.conn, text)
		return err
	}}
}

// hangUp closes the connection: the server reads the end of the stream.
func (c *client) hangUp() stage.Step {
	return stage.Step{Name: c.name + " hangs up", Do: func() error {
		c.s.Note(c.name, "%s hangs up", c.name)
		return c.conn.Close()
	}}
}

// closeWrite closes the client's side of the connection, as a client that
// has nothing more to send: the server reads the end of the stream, and
// the client can still read what comes back.
func (c *client) closeWrite() stage.Step {
	return stage.Step{Name: c.name + " closes its side", Do: func() error {
		c.s.Note(c.name, "%s closes its side", c.name)
		return c.conn.(*net.TCPConn).CloseWrite()
	}}
}

// receives returns a check that the client has received texts, in order,
// and nothing else before them.
func (c *client) receives(texts ...string) func() error {
	return func() error {
		for _, want := range texts {
			c.conn.SetReadDeadline(time.Now().Add(ioWait))
			got := make([]byte, len(want))
			if n, err := io.ReadFull(c.conn, got); err != nil {
				return fmt.Errorf("%s: reading %q: got %q, %w", c.name, want, got[:n], err)
			}
			if string(got) != want {
				return fmt.Errorf("%s: received %q, want %q", c.name, got, want)
			}
			c.s.Note(c.name, "%s receives %s", c.name, strconv.Quote(want))
		}
		return nil
	}
}

// seesEnd returns a check that the server has closed the connection: the
// next read is the end of the stream.
func (c *client) seesEnd() func() error {
	return func() error {
		c.conn.SetReadDeadline(time.Now().Add(ioWait))
		var b [1]byte
		if n, err := c.conn.Read(b[:]); !errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: after the server hung up, Read = %d, %v, want io.EOF", c.name, n, err)
		}
		c.s.Note(c.name, "%s sees the server hang up", c.name)
		return nil
	}
}

// after returns step with checks done first: what the world must have seen
// of the steps before, now that the loop has done all it would.
func after(step stage.Step, checks ...func() error) stage.Step {
	do := step.Do
	step.Do = func() error {
		for _, check := range checks {
			if err := check(); err != nil {
				return err
			}
		}
		return do()
	}
	return step
}

// finish is the last step: after checks, the script ends and the program
// is shut down.
func finish(s *stage.Stage, checks ...func() error) stage.Step {
	return after(stage.Step{Name: "the end", Do: func() error {
		s.Finish()
		return nil
	}}, checks...)
}

// close closes the connection if the script did not.
func (c *client) close() {
	if c.conn != nil {
		c.conn.Close()
	}
}
