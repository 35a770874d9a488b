package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/linechat"
	"github.com/loopkit/loopkit/tutorials/internal/steptest"
	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// The limits of the stalled-peer checks: small, so that a peer
// that reads nothing fills them with little traffic.
const (
	stallQueued  = 32      // maxQueued of the protocol
	stallHigh    = 8 << 10 // the transport's high-water mark
	stallLow     = 2 << 10 // and low-water mark
	stallMessage = 1 << 10 // bytes per message
	stallCap     = 16 << 20
)

// TestBoundedBufferWithStalledPeer plays a peer that reads nothing, with a
// fake transport whose "kernel" takes nothing either, so that every byte
// written waits in the transport's buffer, as it does once a real
// socket's buffers are full. The handler sends as fast as Send takes
// messages. The protocol must stop writing when the transport calls
// PauseWriting, hold messages back, and refuse (Send returns false) once
// it holds maxQueued: a stalled peer costs bounded memory. Then the peer
// reads, a kilobyte at a time: at each ResumeWriting the protocol writes
// what it held back, until the transport pauses it again, keeping the
// rest. Every message Send accepted must reach the peer, in order, and
// after them "end", sent once writing first resumed.
func TestBoundedBufferWithStalledPeer(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	newProtocol := steptest.Impl(t, impls)
	h := &lineRecorder{}
	var p lineProtocol
	f := &fakeTransport{high: stallHigh, low: stallLow}
	var accepted, heldBack int
	ended := false
	if problem := todo.Catch(func() {
		p = newProtocol(h, 200, stallQueued)
		f.flow = p
		p.ConnectionMade(f)
		// The peer reads nothing: send until Send refuses.
		for ; accepted*stallMessage < stallCap; accepted++ {
			if f.paused {
				heldBack++
			}
			if !p.Send(message(accepted)) {
				heldBack--
				break
			}
		}
	}); problem != "" {
		t.Fatal(problem)
	}
	bound := stallHigh + (stallQueued+1)*stallMessage
	if f.maxBuf > bound {
		t.Errorf("the transport's write buffer reached %d bytes while the peer read nothing, want at most %d "+
			"(the high-water mark %d, plus what the queue may hold): does Send hold messages back while writing is paused?",
			f.maxBuf, bound, stallHigh)
	}
	if accepted*stallMessage >= stallCap {
		t.Fatalf("Send accepted %d MiB for a peer that read nothing, and never returned false: "+
			"while paused, Send must hold at most maxQueued (%d) messages back, then refuse", stallCap>>20, stallQueued)
	}
	if heldBack != stallQueued {
		t.Errorf("Send refused a message after holding back %d, want maxQueued = %d", heldBack, stallQueued)
	}
	// The peer reads, a kilobyte at a time; "end" goes after the first
	// ResumeWriting.
	if problem := todo.Catch(func() {
		for sips := 0; len(f.buffered) > 0 && sips < 1<<16; sips++ {
			wasPaused := f.paused
			f.drain(1 << 10)
			if wasPaused && !f.paused && !ended {
				ended = p.Send("end\n")
			}
		}
	}); problem != "" {
		t.Fatal(problem)
	}
	if err := checkMessages(string(f.wire), accepted); err != nil {
		t.Fatal(err)
	}
}

// checkMessages checks what the peer read: messages 0 to accepted-1, in
// order, then "end".
func checkMessages(wire string, accepted int) error {
	lines := strings.SplitAfter(wire, "\n")
	for n, line := range lines {
		switch {
		case line == "end\n" && n == accepted:
			return nil
		case line == "end\n" || line == "":
			return fmt.Errorf("the peer received %d messages, then %q, want the %d that Send accepted first, then \"end\": "+
				"messages %d to %d were never written (dropped when the transport paused writing?)", n, line, accepted, n, accepted-1)
		case line != message(n):
			return fmt.Errorf("the peer received %q where message %d belongs: messages Send accepted were lost or reordered",
				line[:min(len(line), 16)], n)
		}
	}
	return fmt.Errorf("the peer received %d lines and no \"end\"", len(lines))
}

// TestStalledPeerOverTCP is TestBoundedBufferWithStalledPeer over a real
// connection: the server sends to a client that reads nothing (its receive
// buffer shrunk to 4 KiB) until Send refuses, then the client reads
// everything. The kernel's buffers take their share first, so the numbers
// differ from run to run; the rules do not: a bounded write buffer, a
// refusal, and every accepted message delivered, in order.
func TestStalledPeerOverTCP(t *testing.T) {
	steptest.CheckLeaks(t)
	defer hintOnFailure(t)
	newProtocol := steptest.Impl(t, impls)
	var trace []string
	prod := &producer{refused: make(chan int, 1)}
	var rp *recordingProtocol
	s := startServer(t, func(s *server) protocol.Protocol {
		prod.loop = s.l
		rp = &recordingProtocol{inner: newProtocol(prod, 200, stallQueued), log: &trace, onLost: s.srv.Close, onResume: prod.resumed,
			high: stallHigh, low: stallLow}
		return rp
	})
	err := s.run(t, func(addr string) error { return readStalled(addr, prod.refused, s.failed) })
	if rp == nil || rp.transport == nil {
		t.Fatalf("no connection was made (err=%v)", err)
	}
	bound := stallHigh + (stallQueued+1)*stallMessage
	if rp.transport.maxBuffered > bound {
		t.Errorf("the transport's write buffer reached %d bytes while the peer read nothing, want at most %d "+
			"(the high-water mark %d, plus what the queue may hold): does Send hold messages back while writing is paused?",
			rp.transport.maxBuffered, bound, stallHigh)
	}
	if prod.capped {
		t.Fatalf("Send accepted %d MiB for a peer that read nothing, and never returned false: "+
			"while paused, Send must hold at most maxQueued (%d) messages back, then refuse", stallCap>>20, stallQueued)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// A producer is the handler of the stalled connection: once it is opened,
// it sends numbered messages until Send refuses one (or it has sent
// stallCap bytes), then tells the client to read. When writing resumes, it
// sends "end".
type producer struct {
	loop    *loop.Loop
	conn    linechat.Lines
	next    int  // the number of the next message
	stopped bool // produce has stopped: a Send was refused, or stallCap reached
	capped  bool // stallCap bytes were accepted without a refusal
	ended   bool // "end" was accepted
	refused chan int
}

func (p *producer) Opened(c linechat.Lines) {
	p.conn = c
	p.loop.CallSoon(p.produce)
}

// produce sends a burst of messages, then lets the loop flush and comes
// back, until a message is refused.
func (p *producer) produce() {
	for range 16 {
		if p.next*stallMessage >= stallCap {
			p.stopped, p.capped = true, true
			p.refused <- p.next
			return
		}
		if !p.conn.Send(message(p.next)) {
			p.stopped = true
			p.refused <- p.next
			return
		}
		p.next++
	}
	p.loop.CallSoon(p.produce)
}

// resumed runs after the protocol's ResumeWriting: the first time after
// produce stopped, it sends "end".
func (p *producer) resumed() {
	if p.stopped && !p.ended {
		p.ended = p.conn.Send("end\n")
	}
}

func (p *producer) LineReceived(linechat.Lines, string) {}
func (p *producer) Closed(linechat.Lines, error)        {}

// message returns message n: "m000042 " and padding, stallMessage bytes
// with its "\n".
func message(n int) string {
	head := fmt.Sprintf("m%06d ", n)
	return head + strings.Repeat(".", stallMessage-len(head)-1) + "\n"
}

// readStalled connects with a small receive buffer, reads nothing until
// the server's Send refused a message, then reads every message and
// checks that they are all there, in order, followed by "end".
func readStalled(addr string, refused <-chan int, failed <-chan struct{}) error {
	bound := steptest.Scale(10 * time.Second)
	d := net.Dialer{Timeout: bound, Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4<<10)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	var accepted int
	select {
	case accepted = <-refused:
	case <-failed:
		return errors.New("the server failed (see what the loop reported)")
	case <-time.After(bound):
		return fmt.Errorf("the server had not stopped sending after %v", bound)
	}
	c.SetDeadline(time.Now().Add(bound))
	r := bufio.NewReaderSize(c, 64<<10)
	for n := 0; ; n++ {
		line, err := r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("reading message %d of the %d Send accepted: %w", n, accepted, err)
		}
		if line == "end\n" {
			if n != accepted {
				return fmt.Errorf("the peer received %d messages, then \"end\", want the %d that Send accepted first: "+
					"messages %d to %d were never written (dropped while writing was paused?)", n, accepted, n, accepted-1)
			}
			return nil
		}
		if want := message(n); line != want {
			return fmt.Errorf("the peer received %q where message %d belongs: messages Send accepted were lost or reordered",
				line[:min(len(line), 16)], n)
		}
	}
}
