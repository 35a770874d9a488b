package main

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/tutorials/internal/demo"
	"github.com/loopkit/loopkit/tutorials/internal/linechat"
)

// runDemo runs two scenes on the loop, one after the other, with clients
// of Go's net package: two chat users, one of whom types a line one byte
// per write; then a firehose that sends to a peer that stops reading for a
// while. It prints what each saw.
func runDemo(out io.Writer, l *loop.Loop, chat *protocol.Server, newProtocol newProtocolFunc) error {
	fh := newFirehose(l, newProtocol)
	hose, err := protocol.Serve(l, "127.0.0.1:0", fh.factory)
	if err != nil {
		return err
	}
	var sceneErr error
	var chatLines []string
	go func() {
		defer l.CallSoonThreadSafe(func() { chat.Abort(); hose.Abort() })
		chatLines, sceneErr = chatScene(chat.Addr().String())
		if sceneErr == nil {
			sceneErr = fh.peer(hose.Addr().String())
		}
	}()
	if err := l.Run(); err != nil {
		return err
	}

	fmt.Fprintln(out, "Two users; bob types his line one byte per write. What alice received:")
	for _, line := range chatLines {
		fmt.Fprintf(out, "  %q\n", line)
	}
	fmt.Fprintln(out, "\nA firehose writes 1 KiB messages as fast as Send takes them to a peer that reads\n"+
		"nothing for 200ms, then reads as fast as it can:")
	fh.print(out)
	return sceneErr
}

// chatScene joins alice and bob, has bob type "hello, alice" one byte per
// write, and returns what alice received meanwhile.
func chatScene(addr string) ([]string, error) {
	const bound = 10 * time.Second
	alice, err := demo.JoinChat(addr, "alice", bound)
	if err != nil {
		return nil, err
	}
	defer alice.Close()
	bob, err := demo.JoinChat(addr, "bob", bound)
	if err != nil {
		return nil, err
	}
	defer bob.Close()
	joined, err := alice.ReadLine(bound)
	if err != nil {
		return nil, err
	}
	for _, b := range []byte("hello, alice\r\n") {
		if _, err := bob.Conn.Write([]byte{b}); err != nil {
			return nil, err
		}
		time.Sleep(time.Millisecond)
	}
	said, err := alice.ReadLine(bound)
	if err != nil {
		return nil, fmt.Errorf("waiting for bob's line: %w", err)
	}
	return []string{joined, said}, nil
}

// A firehose is a handler that sends messages as fast as its LineProtocol
// takes them, total bytes in all, then "end"; a sample of its transport is
// taken every 25ms.
type firehose struct {
	loop        *loop.Loop
	newProtocol newProtocolFunc
	transport   protocol.Transport
	conn        linechat.Lines

	start    time.Time
	sent     int   // bytes Send accepted
	refused  int   // Sends refused
	pauses   int   // PauseWriting calls
	waiting  bool  // a Send was refused: wait for ResumeWriting
	done     bool  // "end" was accepted
	peerRead int64 // bytes the peer has read (atomic: the peer's goroutine writes it)
	samples  []sample
}

type sample struct {
	at                       time.Duration
	peerRead, buffered, sent int
	refused, pauses          int
}

const (
	firehoseTotal   = 4 << 20
	firehoseMessage = 1 << 10
)

func newFirehose(l *loop.Loop, newProtocol newProtocolFunc) *firehose {
	return &firehose{loop: l, newProtocol: newProtocol}
}

// factory makes the firehose's one connection: the LineProtocol under
// study, watched.
func (f *firehose) factory() protocol.Protocol {
	return &watched{lineProtocol: f.newProtocol(f, 200, 64), fh: f}
}

// watched is the protocol under study, with the firehose told of what the
// transport does.
type watched struct {
	lineProtocol
	fh *firehose
}

func (w *watched) ConnectionMade(t protocol.Transport) {
	w.fh.transport = t
	w.lineProtocol.ConnectionMade(t)
}

func (w *watched) PauseWriting() {
	w.fh.pauses++
	w.lineProtocol.PauseWriting()
}

func (w *watched) ResumeWriting() {
	w.lineProtocol.ResumeWriting()
	if w.fh.waiting {
		w.fh.waiting = false
		w.fh.loop.CallSoon(w.fh.produce)
	}
}

func (f *firehose) Opened(c linechat.Lines) {
	f.conn, f.start = c, time.Now()
	f.loop.CallSoon(f.produce)
	f.loop.CallSoon(f.sample)
}

func (f *firehose) LineReceived(linechat.Lines, string) {}
func (f *firehose) Closed(linechat.Lines, error)        { f.done = true }

// produce sends a burst, then comes back, until a Send is refused (then
// ResumeWriting brings it back) or everything is sent.
func (f *firehose) produce() {
	for range 32 {
		if f.done {
			return
		}
		if f.sent >= firehoseTotal {
			f.done = f.conn.Send("end\n")
			return
		}
		msg := strings.Repeat("x", firehoseMessage-1) + "\n"
		if !f.conn.Send(msg) {
			f.refused++
			f.waiting = true
			return
		}
		f.sent += len(msg)
	}
	f.loop.CallSoon(f.produce)
}

// sample records the transport's state every 25ms until the end.
func (f *firehose) sample() {
	if f.transport == nil {
		return
	}
	f.samples = append(f.samples, sample{
		at: time.Since(f.start), peerRead: int(atomic.LoadInt64(&f.peerRead)),
		buffered: f.transport.WriteBufferSize(), sent: f.sent, refused: f.refused, pauses: f.pauses,
	})
	if !f.done && len(f.samples) < 40 {
		f.loop.CallLater(25*time.Millisecond, f.sample)
	}
}

// peer connects with a 4 KiB receive buffer, reads nothing for 200ms,
// then reads everything, as fast as it can, up to "end".
func (f *firehose) peer(addr string) error {
	d := net.Dialer{Timeout: 5 * time.Second, Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4<<10) })
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	time.Sleep(200 * time.Millisecond)
	buf := make([]byte, 64<<10)
	var tail []byte
	for {
		n, err := c.Read(buf)
		atomic.AddInt64(&f.peerRead, int64(n))
		tail = append(tail, buf[:n]...)
		if len(tail) > 8 {
			tail = tail[len(tail)-8:]
		}
		if strings.HasSuffix(string(tail), "end\n") {
			return nil
		}
		if err != nil {
			return fmt.Errorf("the firehose's peer: %w", err)
		}
	}
}

func (f *firehose) print(out io.Writer) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "at\tSend accepted\tpeer has read\ttransport buffer\tPauseWriting\tSend refused\t\n")
	for _, s := range f.samples {
		fmt.Fprintf(tw, "%v\t%d KiB\t%d KiB\t%d KiB\t%d\t%d\t\n", s.at.Round(time.Millisecond),
			s.sent>>10, s.peerRead>>10, s.buffered>>10, s.pauses, s.refused)
	}
	tw.Flush()
	fmt.Fprintf(out, "\nThe transport's buffer stays near its high-water mark (%d KiB) however long the peer\n"+
		"stalls: above it, the protocol holds messages back, and past maxQueued it refuses\n"+
		"them. What the kernel's own socket buffers take comes first, before anything waits.\n",
		protocol.DefaultHighWater>>10)
}
