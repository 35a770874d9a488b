package callbacks_test

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
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestMain raises the limit on open fds: TestManyConcurrentConnections needs
// two per connection, ours and the net peer's.
func TestMain(m *testing.M) {
	if _, err := testutil.RaiseFDLimit(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(m.Run())
}

// A digest stands for a large byte slice in a comparison: cmp.Diff of two
// megabytes would print them.
type digest struct {
	Bytes  int
	SHA256 string
}

func digestOf(b []byte) digest {
	sum := sha256.Sum256(b)
	return digest{Bytes: len(b), SHA256: hex.EncodeToString(sum[:8])}
}

// randomBytes returns n bytes from a seeded generator: the same every run.
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

// kind names an error for a comparison: what matters is which error, not its
// wording.
func kind(err error) string {
	switch {
	case err == nil:
		return "nil"
	case errors.Is(err, unix.ECONNRESET), errors.Is(err, unix.EPIPE):
		return "reset"
	case errors.Is(err, callbacks.ErrClosed):
		return "ErrClosed"
	default:
		return err.Error()
	}
}
