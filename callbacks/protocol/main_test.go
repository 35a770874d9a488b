package protocol_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/callbacks/protocol"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestMain raises the limit on open fds for TestManyConcurrentConnections.
func TestMain(m *testing.M) {
	if _, err := testutil.RaiseFDLimit(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(m.Run())
}

// A recorder is a Protocol that records what happens to it, as a list of
// events ("made", "data", "eof", "lost: nil"; consecutive data events are
// one), and keeps the bytes it received. Its hooks, each optional, give it
// behaviour.
type recorder struct {
	t        protocol.Transport
	events   []string
	received []byte

	onMade func(r *recorder)
	onData func(r *recorder, data []byte)
	onEOF  func(r *recorder) (keepOpen bool)
	onLost func(r *recorder, err error)
}

func (r *recorder) ConnectionMade(t protocol.Transport) {
	r.t = t
	r.events = append(r.events, "made")
	if r.onMade != nil {
		r.onMade(r)
	}
}

func (r *recorder) DataReceived(data []byte) {
	if len(r.events) == 0 || r.events[len(r.events)-1] != "data" {
		r.events = append(r.events, "data")
	}
	r.received = append(r.received, data...)
	if r.onData != nil {
		r.onData(r, data)
	}
}

func (r *recorder) EOFReceived() bool {
	r.events = append(r.events, "eof")
	if r.onEOF != nil {
		return r.onEOF(r)
	}
	return false
}

func (r *recorder) ConnectionLost(err error) {
	r.events = append(r.events, "lost: "+kind(err))
	if r.onLost != nil {
		r.onLost(r, err)
	}
}

// echoing makes r an echo: it writes back what it receives.
func echoing(r *recorder) *recorder {
	r.onData = func(r *recorder, data []byte) { r.t.Write(data) }
	return r
}

// kind names an error for a comparison.
func kind(err error) string {
	switch {
	case err == nil:
		return "nil"
	case errors.Is(err, unix.ECONNRESET), errors.Is(err, unix.EPIPE):
		return "reset"
	case errors.Is(err, unix.ECONNREFUSED):
		return "refused"
	case errors.Is(err, protocol.ErrPanicked):
		return "panicked"
	case errors.Is(err, callbacks.ErrClosed):
		return "ErrClosed"
	default:
		return err.Error()
	}
}

// A digest stands for a large byte slice in a comparison.
type digest struct {
	Bytes  int
	SHA256 string
}

func digestOf(b []byte) digest {
	sum := sha256.Sum256(b)
	return digest{Bytes: len(b), SHA256: hex.EncodeToString(sum[:8])}
}

func randomBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	rand.NewChaCha8([32]byte{seed}).Read(b)
	return b
}

// randomChunks cuts b into chunks of 1 byte to 16 KiB, seeded.
func randomChunks(b []byte, seed uint64) [][]byte {
	r := rand.New(rand.NewPCG(seed, seed))
	var chunks [][]byte
	for len(b) > 0 {
		n := min(1+r.IntN(16<<10), len(b))
		chunks = append(chunks, b[:n])
		b = b[n:]
	}
	return chunks
}
