package protocol_test

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/testutil"
)

// producer is a server protocol that writes data in chunks as fast as its
// transport lets it: it stops at PauseWriting and goes on at ResumeWriting.
// It records the flow-control calls and the largest write buffer it saw,
// and closes when all is written.
type producer struct {
	recorder
	data         []byte
	chunk        int
	written      int
	paused       bool
	flow         []string
	mostBuffered int
	firstPause   chan struct{} // closed at the first PauseWriting
}

func (p *producer) PauseWriting() {
	p.paused = true
	p.flow = append(p.flow, "pause")
	if len(p.flow) == 1 {
		close(p.firstPause)
	}
}

func (p *producer) ResumeWriting() {
	p.paused = false
	p.flow = append(p.flow, "resume")
	p.produce()
}

func (p *producer) produce() {
	for !p.paused && p.written < len(p.data) {
		next := min(p.written+p.chunk, len(p.data))
		p.t.Write(p.data[p.written:next])
		p.written = next
		p.mostBuffered = max(p.mostBuffered, p.t.WriteBufferSize())
	}
	if p.written == len(p.data) && !p.paused {
		p.t.Close()
	}
}

// TestSlowReaderPausesWriting: a net client that does not read makes the
// transport's buffer pass its high-water mark, so the producer is paused,
// and its buffer stays under the high mark plus one chunk. When the client
// reads, the producer is resumed, paused again, and so on, until every
// byte has arrived intact.
func TestSlowReaderPausesWriting(t *testing.T) {
	const chunk = 16 << 10
	data := randomBytes(8<<20, 7) // more than the kernel's buffers hold
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		p := &producer{data: data, chunk: chunk, firstPause: make(chan struct{})}
		p.onMade = func(*recorder) { p.produce() }
		var server *protocol.Server
		server, err := protocol.Serve(l, "127.0.0.1:0", func() protocol.Protocol {
			p.onLost = func(*recorder, error) { server.Close() }
			return p
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []byte
		wait := testutil.Go(t, func() error {
			conn, err := net.Dial("tcp", server.Addr().String())
			if err != nil {
				return err
			}
			defer conn.Close()
			conn.SetDeadline(testutil.Deadline())
			<-p.firstPause // read nothing until the writer had to stop
			got, err = io.ReadAll(conn)
			return err
		})
		testutil.Run(t, l, 20*time.Second)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(digestOf(data), digestOf(got)); diff != "" {
			t.Errorf("bytes read by the client (-want +got):\n%s", diff)
		}
		if p.mostBuffered > protocol.DefaultHighWater+chunk {
			t.Errorf("write buffer reached %d bytes, want at most the high-water mark plus one chunk (%d)",
				p.mostBuffered, protocol.DefaultHighWater+chunk)
		}
		if len(p.flow) < 2 {
			t.Fatalf("flow control calls %v, want at least a pause and a resume", p.flow)
		}
		for i, call := range p.flow {
			if want := []string{"pause", "resume"}[i%2]; call != want {
				t.Fatalf("flow control call %d is %s, want %s: the calls must alternate (%v)", i, call, want, p.flow)
			}
		}
	})
}

// TestSetWriteBufferLimits refuses marks that make no sense.
func TestSetWriteBufferLimits(t *testing.T) {
	tests := []struct {
		high, low int
		wantErr   bool
	}{
		{64 << 10, 16 << 10, false},
		{0, 0, false},
		{10, 20, true},
		{-1, 0, true},
		{10, -1, true},
	}
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		var got []bool
		p := &producer{firstPause: make(chan struct{})}
		p.onMade = func(r *recorder) {
			for _, tt := range tests {
				got = append(got, r.t.SetWriteBufferLimits(tt.high, tt.low) != nil)
			}
			r.t.Close()
		}
		server, err := protocol.Serve(l, "127.0.0.1:0", func() protocol.Protocol { return p })
		if err != nil {
			t.Fatal(err)
		}
		wait := testutil.Go(t, func() error {
			defer l.CallSoonThreadSafe(server.Close)
			conn, err := net.Dial("tcp", server.Addr().String())
			if err != nil {
				return err
			}
			defer conn.Close()
			conn.SetDeadline(testutil.Deadline())
			_, err = io.ReadAll(conn)
			return err
		})
		testutil.Run(t, l, 10*time.Second)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		var want []bool
		for _, tt := range tests {
			want = append(want, tt.wantErr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("SetWriteBufferLimits refused? (-want +got):\n%s", diff)
		}
	})
}
