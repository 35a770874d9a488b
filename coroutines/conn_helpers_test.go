package coroutines

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

// This file holds what the socket tests share: a loop with a hub per test
// (netFixture), a check that no goroutine outlives its test, random data,
// and a poller that counts interest changes.

// A netFixture is a loop on one backend, its hub and the coroutines a test
// spawned on it, with the checks every socket test wants: no fd leaked
// (testutil.ForEachBackend), no goroutine leaked, no error reported to the
// loop unseen, every coroutine finished without error.
type netFixture struct {
	t    *testing.T
	loop *loop.Loop
	hub  *Hub
	log  *testutil.ErrorLog
	cos  []*Coroutine
}

// newNetFixture makes the fixture; opts are passed to the loop. Hub.Close,
// at cleanup, kills what a failed test left parked, so that its goroutines
// end too.
func newNetFixture(t *testing.T, backend string, opts ...loop.Option) *netFixture {
	t.Helper()
	checkGoroutines(t)
	l, log := testutil.NewLoop(t, backend, opts...)
	f := &netFixture{t: t, loop: l, hub: NewHub(l), log: log}
	t.Cleanup(func() { f.hub.Close() })
	return f
}

// spawn starts fn as a coroutine named name; run checks that it returned nil.
func (f *netFixture) spawn(name string, fn func(ctx context.Context) error) *Coroutine {
	co := f.hub.Spawn(fn)
	co.SetName(name)
	f.cos = append(f.cos, co)
	return co
}

// run runs the loop until nothing is left to wait for (at most limit), then
// fails the test for each coroutine that has not finished or failed.
func (f *netFixture) run(limit time.Duration) {
	f.t.Helper()
	testutil.Run(f.t, f.loop, limit)
	for _, co := range f.cos {
		switch {
		case !co.Done():
			f.t.Errorf("%s has not finished when the loop returned", co.Name())
		case co.Err() != nil:
			f.t.Errorf("%s: %v", co.Name(), co.Err())
		}
	}
}

// checkGoroutines fails t if, once t and its cleanups have finished, more
// goroutines run than before it: a coroutine, a peer or a request left
// waiting. Goroutines may take a moment to return after their last
// cleanup, so it waits up to a second for the count to come down.
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(testutil.Scale(time.Second))
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				n := runtime.Stack(buf, true)
				t.Errorf("%d goroutines before the test, %d after; stacks:\n%s",
					before, runtime.NumGoroutine(), buf[:n])
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	})
}

// randomBytes returns n bytes of deterministic random data.
func randomBytes(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

// randomChunks cuts data into chunks of random sizes from 1 to max.
func randomChunks(data []byte, max int, seed int64) [][]byte {
	r := rand.New(rand.NewSource(seed))
	var chunks [][]byte
	for len(data) > 0 {
		n := min(1+r.Intn(max), len(data))
		chunks = append(chunks, data[:n])
		data = data[n:]
	}
	return chunks
}

// readAllCoroutine reads c until end of file, with reads of random sizes.
func readAllCoroutine(ctx context.Context, c *Conn, seed int64) ([]byte, error) {
	r := rand.New(rand.NewSource(seed))
	var got []byte
	buf := make([]byte, 64<<10)
	for {
		n, err := c.Read(ctx, buf[:1+r.Intn(len(buf))])
		got = append(got, buf[:n]...)
		if err == io.EOF {
			return got, nil
		}
		if err != nil {
			return got, err
		}
	}
}

// diffBytes describes how got differs from want, or returns "" if equal:
// a message about a megabyte should not print the megabyte.
func diffBytes(want, got []byte) string {
	if string(want) == string(got) {
		return ""
	}
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	return fmt.Sprintf("got %d bytes, want %d; first difference at byte %d", len(got), len(want), i)
}

// A countingPoller wraps a backend's poller and counts the interest changes
// the loop makes (Register calls: an epoll_ctl each on epoll). The count is
// read by other goroutines while the loop runs.
type countingPoller struct {
	loop.Poller
	registers atomic.Int64
}

func (p *countingPoller) Register(fd int, ev loop.Events) error {
	p.registers.Add(1)
	return p.Poller.Register(fd, ev)
}

// newCountingPoller returns a countingPoller over a new poller of backend.
func newCountingPoller(t *testing.T, backend string) *countingPoller {
	t.Helper()
	p, err := loop.NewPoller(backend)
	if err != nil {
		t.Fatal(err)
	}
	return &countingPoller{Poller: p}
}

// wantErrorContaining fails t unless err's message contains want.
func wantErrorContaining(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: error %v, want one containing %q", what, err, want)
	}
}
