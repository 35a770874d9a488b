package protocol_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestEchoServerKeepsBytesIntact sends a megabyte in chunks of random sizes
// from a net client to a protocol echo server, half-closes, and reads it
// all back. The protocol sees made, data, eof, lost, in that order.
func TestEchoServerKeepsBytesIntact(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		var server *protocol.Server
		var r *recorder
		server, err := protocol.Serve(l, "127.0.0.1:0", func() protocol.Protocol {
			server.Close() // one connection, then stop listening
			r = echoing(&recorder{})
			return r
		})
		if err != nil {
			t.Fatal(err)
		}
		sent := randomBytes(1<<20, 1)
		var got []byte
		wait := testutil.Go(t, func() error {
			echoed, err := testutil.RoundTrip("tcp", server.Addr().String(), randomChunks(sent, 2))
			got = echoed
			return err
		})
		testutil.Run(t, l, 10*time.Second)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(digestOf(sent), digestOf(got)); diff != "" {
			t.Errorf("echoed bytes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"made", "data", "eof", "lost: nil"}, r.events); diff != "" {
			t.Errorf("protocol events (-want +got):\n%s", diff)
		}
	})
}

// sender is a client protocol that writes its chunks while the transport
// lets it (FlowControl), half-closes after the last, and keeps what the
// echo server sends back.
type sender struct {
	recorder
	chunks  [][]byte
	paused  bool
	pauses  int
	resumes int
}

func (s *sender) PauseWriting()  { s.paused = true; s.pauses++ }
func (s *sender) ResumeWriting() { s.paused = false; s.resumes++; s.fill() }

func (s *sender) fill() {
	for !s.paused && len(s.chunks) > 0 {
		chunk := s.chunks[0]
		s.chunks = s.chunks[1:]
		s.t.Write(chunk)
		if len(s.chunks) == 0 {
			s.t.WriteEOF()
		}
	}
}

// TestConnectKeepsBytesIntact is the other way round: a protocol client
// sends a megabyte in random chunks to a net echo server, pausing when its
// transport says so, and reads the echo until end of file.
func TestConnectKeepsBytesIntact(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		addr := testutil.EchoServer(t, "127.0.0.1:0")
		sent := randomBytes(1<<20, 3)
		s := &sender{chunks: randomChunks(sent, 4)}
		s.onMade = func(*recorder) { s.fill() }
		var connectErr error
		protocol.Connect(l, addr, s, func(err error) { connectErr = err })
		testutil.Run(t, l, 10*time.Second)
		if connectErr != nil {
			t.Fatalf("Connect(%s): %v", addr, connectErr)
		}
		if diff := cmp.Diff(digestOf(sent), digestOf(s.received)); diff != "" {
			t.Errorf("echoed bytes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"made", "data", "eof", "lost: nil"}, s.events); diff != "" {
			t.Errorf("protocol events (-want +got):\n%s", diff)
		}
		if s.pauses != s.resumes {
			t.Errorf("PauseWriting called %d times, ResumeWriting %d", s.pauses, s.resumes)
		}
	})
}
