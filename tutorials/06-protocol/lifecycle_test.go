package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/tutorials/internal/linechat"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
)

// TestLifecycle ends a connection in every way there is: the client closes
// or resets it; the handler closes or aborts it; the server shuts down.
// Each time the trace must be the same shape: one ConnectionMade, one
// ConnectionLost (the transport's calls), and, from your protocol, the
// handler's Opened, the lines, and one Closed, last, with the same error
// ConnectionLost got. After Closed, Send must not write (the loop would
// report a write after Close), and no line comes after the handler closed
// the connection, even one that arrived in the same chunk.
func TestLifecycle(t *testing.T) {
	tests := []struct {
		name   string
		client func(c net.Conn) error
		want   []string
	}{
		{
			name: "ClientCloses",
			client: func(c net.Conn) error {
				if err := say(c, "hello"); err != nil {
					return err
				}
				return c.Close()
			},
			want: []string{"ConnectionMade", "Opened", `LineReceived "hello"`, "ConnectionLost nil", "Closed nil"},
		},
		{
			name: "ClientResets",
			client: func(c net.Conn) error {
				if err := say(c, "hello"); err != nil {
					return err
				}
				c.(*net.TCPConn).SetLinger(0) // close sends RST, not FIN
				return c.Close()
			},
			want: []string{"ConnectionMade", "Opened", `LineReceived "hello"`, "ConnectionLost reset", "Closed reset"},
		},
		{
			name:   "HandlerCloses",
			client: sendThenDrain("/quit\nafter the quit\n"), // one write: one chunk
			want:   []string{"ConnectionMade", "Opened", `LineReceived "/quit"`, "ConnectionLost nil", "Closed nil"},
		},
		{
			name:   "HandlerAborts",
			client: sendThenDrain("/abort\n"),
			want:   []string{"ConnectionMade", "Opened", `LineReceived "/abort"`, "ConnectionLost nil", "Closed nil"},
		},
		{
			name:   "ServerShutsDown",
			client: sendThenDrain("/shutdown\n"),
			want:   []string{"ConnectionMade", "Opened", `LineReceived "/shutdown"`, "ConnectionLost nil", "Closed nil"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steptest.CheckLeaks(t)
			defer hintOnFailure(t)
			newProtocol := steptest.Impl(t, impls)
			var trace []string
			s := startServer(t, func(s *server) protocol.Protocol {
				h := &lifecycleHandler{trace: &trace, server: s.srv}
				return &recordingProtocol{inner: newProtocol(h, 200, 8), log: &trace, onLost: s.srv.Close}
			})
			err := s.run(t, func(addr string) error {
				c, err := net.DialTimeout("tcp", addr, steptest.Scale(5*time.Second))
				if err != nil {
					return err
				}
				defer c.Close()
				c.SetDeadline(time.Now().Add(steptest.Scale(5 * time.Second)))
				return tt.client(c)
			})
			if err != nil {
				t.Errorf("the client: %v", err)
			}
			if diff := cmp.Diff(tt.want, trace); diff != "" {
				t.Errorf("what the transport called, and what your protocol told the handler (-want +got):\n%s%s",
					diff, explainTrace(tt.want, trace))
			}
		})
	}
}

// explainTrace says in words what is wrong with a trace, for the usual
// mistakes.
func explainTrace(want, got []string) string {
	count := func(trace []string, prefix string) int {
		n := 0
		for _, e := range trace {
			if strings.HasPrefix(e, prefix) {
				n++
			}
		}
		return n
	}
	switch closed := count(got, "Closed"); {
	case closed == 0:
		return "the handler was never told Closed: ConnectionLost must tell it, whatever ended the connection"
	case closed > 1:
		return fmt.Sprintf("the handler was told Closed %d times, want once", closed)
	case count(got, "LineReceived") > count(want, "LineReceived"):
		return "a line was handed on after the handler closed the connection: stop at p.closing"
	}
	return ""
}

// say sends a line and waits for the handler's "got LINE" answer.
func say(c net.Conn, line string) error {
	if _, err := io.WriteString(c, line+"\n"); err != nil {
		return err
	}
	got, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return fmt.Errorf("sent %q, then waiting for the answer: %w", line, err)
	}
	if want := "got " + line + "\n"; got != want {
		return fmt.Errorf("sent %q, got %q back, want %q", line, got, want)
	}
	return nil
}

// sendThenDrain sends text in one write, then reads until the server ends
// the connection.
func sendThenDrain(text string) func(c net.Conn) error {
	return func(c net.Conn) error {
		if _, err := io.WriteString(c, text); err != nil {
			return err
		}
		io.Copy(io.Discard, c) // to end of file or a reset: either ends it
		return nil
	}
}

// A lifecycleHandler logs what the protocol tells it. It answers each line
// with "got LINE", and "/quit", "/abort" and "/shutdown" end the
// connection: by Close, by Abort, by aborting the whole server.
type lifecycleHandler struct {
	trace  *[]string
	server *protocol.Server
}

func (h *lifecycleHandler) Opened(linechat.Lines) { *h.trace = append(*h.trace, "Opened") }

func (h *lifecycleHandler) LineReceived(c linechat.Lines, line string) {
	*h.trace = append(*h.trace, "LineReceived "+strconv.Quote(line))
	switch line {
	case "/quit":
		c.Close()
	case "/abort":
		c.Abort()
	case "/shutdown":
		h.server.Abort()
	default:
		c.Send("got " + line + "\n")
	}
}

func (h *lifecycleHandler) Closed(c linechat.Lines, err error) {
	*h.trace = append(*h.trace, "Closed "+errorKind(err))
	if !c.Send("too late\n") {
		*h.trace = append(*h.trace, "Send after Closed returned false, want true (dropped: nobody to send it to)")
	}
}
