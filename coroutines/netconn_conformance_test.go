package coroutines

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// This file is a checker of the net.Conn contract, in the shape of
// golang.org/x/net/nettest's TestConn (written afresh, so that the kit
// depends on nothing for its tests but the standard library): each subtest
// gets a fresh pair of connected net.Conns from a makePipe and checks one
// promise of the interface. A pass proves that code written for net.Conn,
// which relies on these promises without saying so, will work on the pair:
//
//   - data arrives intact and in order, in both directions;
//   - Read, Write, Close and the deadline setters may be called from
//     different goroutines at once (run with -race);
//   - a deadline in the past fails Read and Write at once with n == 0; one
//     that passes, or is moved into the past, while a call waits ends the
//     call; one moved later, or cleared, while a call waits does not; and
//     a timed-out call leaves the conn usable once the deadline moves;
//   - the read deadline leaves Write alone, and the reverse;
//   - a timed-out call returns a net.Error whose Timeout() is true and
//     which wraps os.ErrDeadlineExceeded; the buffer of a call that timed
//     out may be reused at once;
//   - Close wakes every waiting call with an error wrapping net.ErrClosed.
//
// Each subtest is bounded by a watchdog that closes the pair, so a hang is
// a failure with a message.

// makePipe returns the two ends of a connection, and stop, which closes
// both (and anything else the pipe needs).
type makePipe func() (c1, c2 net.Conn, stop func(), err error)

// checkNetConn runs the checks of this file on pairs made by mp.
func checkNetConn(t *testing.T, mp makePipe) {
	checks := []struct {
		name  string
		check func(t *testing.T, c1, c2 net.Conn)
	}{
		{"BasicIO", checkBasicIO},
		{"PingPong", checkPingPong},
		{"RacyRead", checkRacyRead},
		{"RacyWrite", checkRacyWrite},
		{"ReadTimeoutLeavesWrite", checkReadTimeoutLeavesWrite},
		{"WriteTimeoutLeavesRead", checkWriteTimeoutLeavesRead},
		{"PastDeadline", checkPastDeadline},
		{"DeadlineSetWhileWaiting", checkDeadlineSetWhileWaiting},
		{"FutureDeadline", checkFutureDeadline},
		{"DeadlineMovedLaterWhileWaiting", checkDeadlineMovedLater},
		{"CloseWakesWaiting", checkCloseWakesWaiting},
		{"ConcurrentMethods", checkConcurrentMethods},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			c1, c2, stop, err := mp()
			if err != nil {
				t.Fatalf("making the pipe: %v", err)
			}
			var once sync.Once
			defer once.Do(stop)
			watchdog := time.AfterFunc(20*time.Second, func() {
				once.Do(func() {
					t.Errorf("%s hung for 20s; closing the pipe", c.name)
					stop()
				})
			})
			defer watchdog.Stop()
			c.check(t, c1, c2)
		})
	}
}

var longAgo = time.Unix(1, 0)

func checkBasicIO(t *testing.T, c1, c2 net.Conn) {
	want := randomBytes(1<<20, 10)
	go func() {
		for _, chunk := range randomChunks(want, 8<<10, 11) {
			if _, err := c1.Write(chunk); err != nil {
				t.Errorf("c1.Write: %v", err)
				break
			}
		}
		if err := c1.Close(); err != nil {
			t.Errorf("c1.Close: %v", err)
		}
	}()
	got, err := io.ReadAll(c2)
	if err != nil {
		t.Errorf("c2.Read: %v", err)
	}
	if d := diffBytes(want, got); d != "" {
		t.Errorf("1 MiB from c1 to c2: %s", d)
	}
}

// checkPingPong passes a counter back and forth: each side reads it, adds
// one and sends it back, until it reaches 200.
func checkPingPong(t *testing.T, c1, c2 net.Conn) {
	var wg sync.WaitGroup
	defer wg.Wait()
	player := func(c net.Conn, first bool) {
		defer wg.Done()
		buf := make([]byte, 8)
		if first {
			if _, err := c.Write(buf); err != nil {
				t.Errorf("first Write: %v", err)
				return
			}
		}
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				t.Errorf("Read: %v", err)
				return
			}
			v := binary.LittleEndian.Uint64(buf) + 1
			binary.LittleEndian.PutUint64(buf, v)
			if _, err := c.Write(buf); err != nil {
				t.Errorf("Write: %v", err)
				return
			}
			if v >= 199 {
				return
			}
		}
	}
	wg.Add(2)
	go player(c1, true)
	go player(c2, false)
}

// checkRacyRead reads from ten goroutines at once under a deadline that
// keeps expiring, and overwrites each buffer as soon as its Read returns:
// the race detector sees it if the conn still writes into the buffer after
// the call that owned it timed out.
func checkRacyRead(t *testing.T, c1, c2 net.Conn) {
	go plainCopy(c2, rand.New(rand.NewSource(12)))
	var wg sync.WaitGroup
	defer wg.Wait()
	c1.SetReadDeadline(time.Now().Add(time.Millisecond))
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b1, b2 := make([]byte, 1024), make([]byte, 1024)
			for range 50 {
				_, err := c1.Read(b1)
				copy(b1, b2)
				if err != nil {
					checkTimeout(t, "Read", err)
					c1.SetReadDeadline(time.Now().Add(time.Millisecond))
				}
			}
		}()
	}
}

// checkRacyWrite is checkRacyRead for Write.
func checkRacyWrite(t *testing.T, c1, c2 net.Conn) {
	go plainCopy(io.Discard, c2)
	var wg sync.WaitGroup
	defer wg.Wait()
	c1.SetWriteDeadline(time.Now().Add(time.Millisecond))
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b1, b2 := make([]byte, 1024), make([]byte, 1024)
			for range 50 {
				_, err := c1.Write(b1)
				copy(b1, b2)
				if err != nil {
					checkTimeout(t, "Write", err)
					c1.SetWriteDeadline(time.Now().Add(time.Millisecond))
				}
			}
		}()
	}
}

func checkReadTimeoutLeavesWrite(t *testing.T, c1, c2 net.Conn) {
	go plainCopy(io.Discard, c2)
	c1.SetReadDeadline(longAgo)
	_, err := c1.Read(make([]byte, 1024))
	checkTimeout(t, "Read past its deadline", err)
	if _, err := c1.Write(make([]byte, 1024)); err != nil {
		t.Errorf("Write with only the read deadline passed: %v", err)
	}
}

func checkWriteTimeoutLeavesRead(t *testing.T, c1, c2 net.Conn) {
	go plainCopy(c2, rand.New(rand.NewSource(13)))
	c1.SetWriteDeadline(longAgo)
	_, err := c1.Write(make([]byte, 1024))
	checkTimeout(t, "Write past its deadline", err)
	if _, err := c1.Read(make([]byte, 1024)); err != nil {
		t.Errorf("Read with only the write deadline passed: %v", err)
	}
}

func checkPastDeadline(t *testing.T, c1, c2 net.Conn) {
	go plainCopy(c2, c2)
	checkRoundTrip(t, c1)
	c1.SetDeadline(longAgo)
	n, err := c1.Write(make([]byte, 1024))
	if n != 0 {
		t.Errorf("Write past its deadline wrote %d bytes, want 0", n)
	}
	checkTimeout(t, "Write past its deadline", err)
	n, err = c1.Read(make([]byte, 1024))
	if n != 0 {
		t.Errorf("Read past its deadline read %d bytes, want 0", n)
	}
	checkTimeout(t, "Read past its deadline", err)
	checkRoundTrip(t, c1)
}

// checkDeadlineSetWhileWaiting moves both deadlines into the past while a
// Read and a Write wait: both must end, and not before.
func checkDeadlineSetWhileWaiting(t *testing.T, c1, c2 net.Conn) {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(3)
	deadlineSet := make(chan bool, 1)
	go func() {
		defer wg.Done()
		time.Sleep(50 * time.Millisecond)
		deadlineSet <- true
		c1.SetReadDeadline(longAgo)
		c1.SetWriteDeadline(longAgo)
	}()
	go func() {
		defer wg.Done()
		n, err := c1.Read(make([]byte, 1024))
		if n != 0 {
			t.Errorf("Read read %d bytes, want 0", n)
		}
		checkTimeout(t, "waiting Read", err)
		if len(deadlineSet) == 0 {
			t.Errorf("Read timed out before the deadline was set")
		}
	}()
	go func() {
		defer wg.Done()
		var err error
		for err == nil {
			_, err = c1.Write(make([]byte, 64<<10))
		}
		checkTimeout(t, "waiting Write", err)
		if len(deadlineSet) == 0 {
			t.Errorf("Write timed out before the deadline was set")
		}
	}()
}

func checkFutureDeadline(t *testing.T, c1, c2 net.Conn) {
	var wg sync.WaitGroup
	wg.Add(2)
	c1.SetDeadline(time.Now().Add(50 * time.Millisecond))
	go func() {
		defer wg.Done()
		_, err := c1.Read(make([]byte, 1024))
		checkTimeout(t, "Read", err)
	}()
	go func() {
		defer wg.Done()
		var err error
		for err == nil {
			_, err = c1.Write(make([]byte, 64<<10))
		}
		checkTimeout(t, "Write", err)
	}()
	wg.Wait()
	go plainCopy(c2, c2)
	resync(t, c1)
	checkRoundTrip(t, c1)
}

// checkDeadlineMovedLater moves the read deadline of a waiting Read from
// 50ms to an hour: the Read must wait on, past the first deadline, until
// data comes.
func checkDeadlineMovedLater(t *testing.T, c1, c2 net.Conn) {
	c1.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	go func() {
		time.Sleep(10 * time.Millisecond)
		c1.SetReadDeadline(time.Now().Add(time.Hour))
		time.Sleep(100 * time.Millisecond) // well past the first deadline
		c2.Write([]byte("late"))
	}()
	buf := make([]byte, 10)
	n, err := c1.Read(buf)
	if err != nil || string(buf[:n]) != "late" {
		t.Errorf("Read whose deadline moved later = %q, %v; want %q, nil", buf[:n], err, "late")
	}
}

// checkCloseWakesWaiting closes c1 while a Read and a Write wait on it.
func checkCloseWakesWaiting(t *testing.T, c1, c2 net.Conn) {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Add(3)
	go func() {
		defer wg.Done()
		time.Sleep(50 * time.Millisecond)
		c1.Close()
	}()
	go func() {
		defer wg.Done()
		_, err := c1.Read(make([]byte, 1024))
		checkClosed(t, "Read waiting at Close", err)
	}()
	go func() {
		defer wg.Done()
		var err error
		for err == nil {
			_, err = c1.Write(make([]byte, 64<<10))
		}
		checkClosed(t, "Write waiting at Close", err)
	}()
}

// checkConcurrentMethods calls every method at once from many goroutines:
// the results do not matter, the race detector's silence does.
func checkConcurrentMethods(t *testing.T, c1, c2 net.Conn) {
	go plainCopy(c2, c2)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(7)
		go func() { defer wg.Done(); c1.Read(make([]byte, 1024)) }()
		go func() { defer wg.Done(); c1.Write(make([]byte, 1024)) }()
		go func() { defer wg.Done(); c1.SetDeadline(time.Now().Add(10 * time.Millisecond)) }()
		go func() { defer wg.Done(); c1.SetReadDeadline(longAgo) }()
		go func() { defer wg.Done(); c1.SetWriteDeadline(longAgo) }()
		go func() { defer wg.Done(); c1.LocalAddr() }()
		go func() { defer wg.Done(); c1.RemoteAddr() }()
	}
	wg.Wait()
	resync(t, c1)
	checkRoundTrip(t, c1)
}

// checkTimeout fails t unless err is a proper timeout: a net.Error whose
// Timeout() is true and which wraps os.ErrDeadlineExceeded.
func checkTimeout(t *testing.T, what string, err error) {
	t.Helper()
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("%s: %v (%T), want a net.Error with Timeout() true wrapping os.ErrDeadlineExceeded", what, err, err)
	}
}

// checkClosed fails t unless err wraps net.ErrClosed.
func checkClosed(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, net.ErrClosed) {
		t.Errorf("%s: %v, want an error wrapping net.ErrClosed", what, err)
	}
}

// checkRoundTrip writes to c and reads it back: c's peer echoes.
func checkRoundTrip(t *testing.T, c net.Conn) {
	t.Helper()
	if err := c.SetDeadline(time.Time{}); err != nil {
		t.Errorf("clearing the deadline: %v", err)
	}
	const msg = "Hello, loop!"
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Errorf("round trip Write: %v", err)
	}
	buf := make([]byte, len(msg))
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Errorf("round trip Read: %v", err)
	}
	if string(buf) != msg {
		t.Errorf("round trip read %q, want %q", buf, msg)
	}
}

// resync clears the deadlines and drains what the echoing peer still
// sends back from earlier calls: it writes a 0xff marker, which no earlier
// data contains, and reads until the marker comes back.
func resync(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetDeadline(time.Time{})
	written := make(chan error, 1)
	go func() {
		_, err := c.Write([]byte{0xff})
		written <- err
	}()
	buf := make([]byte, 1024)
	for {
		n, err := c.Read(buf)
		if n > 0 && bytes.IndexByte(buf[:n], 0xff) == n-1 {
			break
		}
		if err != nil {
			t.Errorf("resync Read: %v", err)
			break
		}
	}
	if err := <-written; err != nil {
		t.Errorf("resync Write: %v", err)
	}
}

// plainCopy is io.Copy through plain Reader and Writer values, so that
// neither side's ReadFrom or WriteTo is used: a *net.TCPConn's would splice
// through a pipe that Go caches past the test, which the fd check would
// report as a leak.
func plainCopy(w io.Writer, r io.Reader) error {
	_, err := io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{r}, make([]byte, 1024))
	return err
}
