package callbacks_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/callbacks"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestSlowReader has a net client that does not read at first. Our server
// writes 64 KiB chunks until the kernel takes no more and a megabyte waits
// in the connection's own buffer: Write never blocks. Then the client reads
// everything; the buffer drains, each write's done is called in order, the
// flush callback finally sees 0, and every byte arrives intact.
func TestSlowReader(t *testing.T) {
	const chunk = 64 << 10
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		l, _ := testutil.NewLoop(t, backend)
		startReading := make(chan int, 1) // how many bytes to read
		var dones []int
		var flushes []int
		mostBuffered := 0
		var ln *callbacks.Listener
		ln, err := callbacks.Listen(l, "127.0.0.1:0", func(c *callbacks.Conn) {
			ln.Close()
			c.OnFlush(func(buffered int) { flushes = append(flushes, buffered) })
			written := 0
			for i := 0; c.Buffered() < 1<<20 && written < 256<<20; i++ {
				c.Write(pattern(i, chunk), func(err error) {
					if err != nil {
						t.Errorf("done of write %d: %v", i, err)
					}
					dones = append(dones, i)
				})
				written += chunk
				mostBuffered = max(mostBuffered, c.Buffered())
			}
			startReading <- written
			c.Close()
		})
		if err != nil {
			t.Fatal(err)
		}
		var got []byte
		wait := testutil.Go(t, func() error {
			conn, err := net.Dial("tcp", ln.Addr().String())
			if err != nil {
				return err
			}
			defer conn.Close()
			conn.SetDeadline(testutil.Deadline())
			<-startReading
			got, err = io.ReadAll(conn)
			return err
		})
		testutil.Run(t, l, 10*time.Second)
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		if mostBuffered < 1<<20 {
			t.Errorf("the connection buffered at most %d bytes, want 1 MiB or more", mostBuffered)
		}
		var want []byte
		var wantDones []int
		for i := 0; len(want) < len(got) || i == 0; i++ {
			want = append(want, pattern(i, chunk)...)
			wantDones = append(wantDones, i)
		}
		if diff := cmp.Diff(digestOf(want), digestOf(got)); diff != "" {
			t.Errorf("bytes read by the client (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantDones, dones); diff != "" {
			t.Errorf("done callbacks (-want +got):\n%s", diff)
		}
		if len(flushes) == 0 || flushes[len(flushes)-1] != 0 {
			t.Errorf("flush callback saw %v, want a last 0", flushes)
		}
	})
}

// pattern returns the i-th chunk of a stream whose every chunk differs, so
// that a lost or repeated chunk shows.
func pattern(i, size int) []byte {
	return bytes.Repeat([]byte(fmt.Sprintf("<%07d>", i)), size/9+1)[:size]
}
