package coroutines

import (
	"context"
	"errors"
	"fmt"
	"golang.org/x/sys/unix"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
)

// The tests of this file are about waiting: who may wait on a Conn, what
// ends a wait (data, Close, a cancelled context, a deadline), and what a
// wait costs the poller.

// connPair returns the two ends of a TCP connection made on the loop of
// ctx's coroutine. The connect completes in the kernel's backlog, before
// the Accept.
func connPair(ctx context.Context, h *Hub) (*Conn, *Conn, error) {
	ln, err := Listen(h, "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	defer ln.Close()
	a, err := Dial(ctx, ln.Addr().String())
	if err != nil {
		return nil, nil, err
	}
	b, err := ln.Accept(ctx)
	if err != nil {
		a.Close()
		return nil, nil, err
	}
	return a, b, nil
}

// letLoopRun lets the loop run n times round before the coroutine goes on.
func letLoopRun(ctx context.Context, n int) error {
	for range n {
		if err := Sleep(ctx, 0); err != nil {
			return err
		}
	}
	return nil
}

func TestConnRefusesSecondWaiter(t *testing.T) {
	tests := []struct {
		name string
		// first starts the call that waits; second is the one refused.
		first, second func(ctx context.Context, c *Conn) error
		want          string
	}{{
		name:   "Read",
		first:  func(ctx context.Context, c *Conn) error { _, err := c.Read(ctx, make([]byte, 10)); return err },
		second: func(ctx context.Context, c *Conn) error { _, err := c.Read(ctx, make([]byte, 10)); return err },
		want:   "coroutines: Conn.Read: another coroutine is already reading fd %d",
	}, {
		name: "Write",
		// 64 MiB fill the socket buffers: the first Write parks.
		first:  func(ctx context.Context, c *Conn) error { _, err := c.Write(ctx, make([]byte, 64<<20)); return err },
		second: func(ctx context.Context, c *Conn) error { _, err := c.Write(ctx, []byte("x")); return err },
		want:   "coroutines: Conn.Write: another coroutine is already writing fd %d",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ForEachBackend(t, func(t *testing.T, backend string) {
				f := newNetFixture(t, backend)
				var firstErr, secondErr error
				var fd int
				f.spawn("main", func(ctx context.Context) error {
					a, b, err := connPair(ctx, f.hub)
					if err != nil {
						return err
					}
					defer b.Close()
					fd = a.fd
					first := Spawn(ctx, func(ctx context.Context) error {
						firstErr = tt.first(ctx, a)
						return nil
					})
					if err := letLoopRun(ctx, 2); err != nil { // let first park
						return err
					}
					secondErr = tt.second(ctx, a)
					a.Close() // wakes first
					return first.Join(ctx)
				})
				f.run(10 * time.Second)
				var cu *ConcurrentUseError
				if !errors.As(secondErr, &cu) {
					t.Errorf("second %s: %v, want a *ConcurrentUseError", tt.name, secondErr)
				}
				wantErrorContaining(t, "second "+tt.name, secondErr, fmt.Sprintf(tt.want, fd))
				if !errors.Is(firstErr, net.ErrClosed) {
					t.Errorf("first %s after Close: %v, want net.ErrClosed", tt.name, firstErr)
				}
			})
		})
	}
}

func TestListenerRefusesSecondAcceptor(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		ln, err := Listen(f.hub, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var firstErr, secondErr error
		f.spawn("main", func(ctx context.Context) error {
			first := Spawn(ctx, func(ctx context.Context) error {
				_, firstErr = ln.Accept(ctx)
				return nil
			})
			if err := letLoopRun(ctx, 2); err != nil {
				return err
			}
			_, secondErr = ln.Accept(ctx)
			ln.Close()
			return first.Join(ctx)
		})
		f.run(10 * time.Second)
		want := fmt.Sprintf("coroutines: Listener.Accept: another coroutine is already accepting on fd %d", ln.fd)
		wantErrorContaining(t, "second Accept", secondErr, want)
		if !errors.Is(firstErr, net.ErrClosed) {
			t.Errorf("first Accept after Close: %v, want net.ErrClosed", firstErr)
		}
	})
}

func TestConnCloseWakesParkedReadAndWrite(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		var readErr, writeErr, closeAgain, readAfter error
		var written int
		f.spawn("main", func(ctx context.Context) error {
			a, b, err := connPair(ctx, f.hub)
			if err != nil {
				return err
			}
			defer b.Close()
			reader := Spawn(ctx, func(ctx context.Context) error {
				_, readErr = a.Read(ctx, make([]byte, 10))
				return nil
			})
			writer := Spawn(ctx, func(ctx context.Context) error {
				written, writeErr = a.Write(ctx, make([]byte, 64<<20))
				return nil
			})
			if err := letLoopRun(ctx, 3); err != nil {
				return err
			}
			if err := a.Close(); err != nil {
				return err
			}
			closeAgain = a.Close()
			_, readAfter = a.Read(ctx, make([]byte, 10))
			return JoinAll(ctx, reader, writer)
		})
		f.run(10 * time.Second)
		for _, e := range []struct {
			what string
			err  error
		}{{"parked Read", readErr}, {"parked Write", writeErr}, {"second Close", closeAgain}, {"Read after Close", readAfter}} {
			if !errors.Is(e.err, net.ErrClosed) {
				t.Errorf("%s: %v, want an error wrapping net.ErrClosed", e.what, e.err)
			}
		}
		if written == 0 || written == 64<<20 {
			t.Errorf("parked Write returned %d written; want part of %d", written, 64<<20)
		}
	})
}

func TestConnReadCutShortByTimeoutLeavesConnUsable(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		var timedOut error
		var got string
		f.spawn("main", func(ctx context.Context) error {
			a, b, err := connPair(ctx, f.hub)
			if err != nil {
				return err
			}
			defer a.Close()
			defer b.Close()
			buf := make([]byte, 10)
			timedOut = Timeout(ctx, 10*time.Millisecond, func(ctx context.Context) error {
				_, err := a.Read(ctx, buf)
				return err
			})
			if _, err := b.Write(ctx, []byte("later")); err != nil {
				return err
			}
			n, err := a.Read(ctx, buf)
			got = string(buf[:n])
			return err
		})
		f.run(10 * time.Second)
		if !errors.Is(timedOut, ErrTimeout) {
			t.Errorf("Read under a 10ms Timeout: %v, want ErrTimeout", timedOut)
		}
		if ne, ok := timedOut.(net.Error); !ok || !ne.Timeout() {
			t.Errorf("Read under a 10ms Timeout: %#v, want a net.Error whose Timeout() is true", timedOut)
		}
		if got != "later" {
			t.Errorf("Read after the timed-out Read: %q, want %q", got, "later")
		}
	})
}

func TestConnKilledReaderLeavesConnUsable(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		var killedErr error
		var got string
		f.spawn("main", func(ctx context.Context) error {
			a, b, err := connPair(ctx, f.hub)
			if err != nil {
				return err
			}
			defer a.Close()
			defer b.Close()
			reader := Spawn(ctx, func(ctx context.Context) error {
				_, killedErr = a.Read(ctx, make([]byte, 10))
				return nil
			})
			if err := letLoopRun(ctx, 2); err != nil {
				return err
			}
			reader.Kill()
			reader.Join(ctx)
			if _, err := b.Write(ctx, []byte("next")); err != nil {
				return err
			}
			buf := make([]byte, 10)
			n, err := a.Read(ctx, buf)
			got = string(buf[:n])
			return err
		})
		f.run(10 * time.Second)
		if !errors.Is(killedErr, ErrKilled) {
			t.Errorf("Read of a killed coroutine: %v, want ErrKilled", killedErr)
		}
		if got != "next" {
			t.Errorf("Read by the next coroutine: %q, want %q", got, "next")
		}
	})
}

// TestConnSteadyEchoCostsNoInterestChange is the test of the sticky waiter
// (conn_waiter.go): once an echo conversation is going, a round trip adds
// and removes no waiter, so the poller is never told anything (no
// epoll_ctl).
func TestConnSteadyEchoCostsNoInterestChange(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		poller := newCountingPoller(t, backend)
		f := newNetFixture(t, backend, loop.WithPoller(poller))
		ln, err := Listen(f.hub, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		f.spawn("echo server", func(ctx context.Context) error {
			c, err := ln.Accept(ctx)
			// The listener goes at once, with its waiter: only the conn's
			// interest changes are counted.
			ln.Close()
			if err != nil {
				return err
			}
			defer c.Close()
			return echoConn(ctx, c, 9)
		})
		const warmUp, measured = 10, 200
		var changes int64
		done := make(chan error, 1)
		go func() {
			done <- func() error {
				c, err := net.Dial("tcp", ln.Addr().String())
				if err != nil {
					return err
				}
				defer c.Close()
				msg := make([]byte, 64)
				var before int64
				for i := range warmUp + measured {
					if i < warmUp {
						// Make the server wait for this message, so that it
						// has added its reader waiter before we count.
						time.Sleep(time.Millisecond)
					}
					if i == warmUp {
						before = poller.registers.Load()
					}
					if _, err := c.Write(msg); err != nil {
						return err
					}
					if _, err := netReadFull(c, msg); err != nil {
						return err
					}
				}
				changes = poller.registers.Load() - before
				return nil
			}()
		}()
		f.run(20 * time.Second)
		if err := <-done; err != nil {
			t.Fatalf("net client: %v", err)
		}
		if changes != 0 {
			t.Errorf("%d echo round trips made %d interest changes (Register calls), want 0", measured, changes)
		}
	})
}

// netReadFull is io.ReadFull, for a net.Conn.
func netReadFull(c net.Conn, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := c.Read(p[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// TestConnDeadlines runs on a fake clock, so each deadline fires exactly
// when the test moves the clock past it. Coroutine "a" makes a call on one
// end of a connection; coroutine "driver" moves the clock and the deadlines
// while it waits; the test compares how the call ended, and when.
func TestConnDeadlines(t *testing.T) {
	start := time.Unix(1_000_000, 0)
	read := func(ctx context.Context, a *Conn) (int, error) { return a.Read(ctx, make([]byte, 10)) }
	bigWrite := func(ctx context.Context, a *Conn) (int, error) { return a.Write(ctx, make([]byte, 64<<20)) }
	tests := []struct {
		name   string
		before func(a *Conn) // sets deadlines before the call
		call   func(ctx context.Context, a *Conn) (int, error)
		// driver runs while the call waits. It may report that the call
		// ended too early with stillWaiting.
		driver func(ctx context.Context, clock *timers.Fake, a, b *Conn, stillWaiting func(string)) error
		want   deadlineOutcome
	}{{
		name:   "read deadline in the past fails at once",
		before: func(a *Conn) { a.SetReadDeadline(start.Add(-time.Second)) },
		call:   read,
		want:   deadlineOutcome{Err: "timeout", At: 0},
	}, {
		name:   "read deadline now fails at once",
		before: func(a *Conn) { a.SetReadDeadline(start) },
		call:   read,
		want:   deadlineOutcome{Err: "timeout", At: 0},
	}, {
		name:   "read deadline in the future ends a parked read",
		before: func(a *Conn) { a.SetReadDeadline(start.Add(time.Second)) },
		call:   read,
		driver: func(ctx context.Context, clock *timers.Fake, a, b *Conn, stillWaiting func(string)) error {
			clock.Advance(999 * time.Millisecond)
			stillWaiting("at 999ms")
			clock.Advance(time.Millisecond)
			return nil
		},
		want: deadlineOutcome{Err: "timeout", At: time.Second},
	}, {
		name:   "read deadline moved later while parked",
		before: func(a *Conn) { a.SetReadDeadline(start.Add(time.Second)) },
		call:   read,
		driver: func(ctx context.Context, clock *timers.Fake, a, b *Conn, stillWaiting func(string)) error {
			clock.Advance(500 * time.Millisecond)
			a.SetReadDeadline(start.Add(2 * time.Second))
			clock.Advance(time.Second)
			stillWaiting("at 1.5s, past the first deadline")
			clock.Advance(500 * time.Millisecond)
			return nil
		},
		want: deadlineOutcome{Err: "timeout", At: 2 * time.Second},
	}, {
		name:   "read deadline moved into the past while parked",
		before: func(a *Conn) { a.SetReadDeadline(start.Add(time.Hour)) },
		call:   read,
		driver: func(ctx context.Context, clock *timers.Fake, a, b *Conn, stillWaiting func(string)) error {
			clock.Advance(time.Second)
			a.SetReadDeadline(start)
			return nil
		},
		want: deadlineOutcome{Err: "timeout", At: time.Second},
	}, {
		name:   "read deadline cleared while parked",
		before: func(a *Conn) { a.SetReadDeadline(start.Add(time.Second)) },
		call:   read,
		driver: func(ctx context.Context, clock *timers.Fake, a, b *Conn, stillWaiting func(string)) error {
			a.SetReadDeadline(time.Time{})
			clock.Advance(2 * time.Second)
			stillWaiting("at 2s, past the cleared deadline")
			_, err := b.Write(ctx, []byte("data"))
			return err
		},
		want: deadlineOutcome{N: 4, At: 2 * time.Second},
	}, {
		name:   "write deadline ends a parked write",
		before: func(a *Conn) { a.SetWriteDeadline(start.Add(time.Second)) },
		call:   bigWrite,
		driver: func(ctx context.Context, clock *timers.Fake, a, b *Conn, stillWaiting func(string)) error {
			clock.Advance(time.Second)
			return nil
		},
		want: deadlineOutcome{Err: "timeout", N: -1, At: time.Second},
	}, {
		name:   "read deadline leaves writes alone",
		before: func(a *Conn) { a.SetReadDeadline(start.Add(-time.Second)) },
		call:   func(ctx context.Context, a *Conn) (int, error) { return a.Write(ctx, []byte("x")) },
		want:   deadlineOutcome{N: 1, At: 0},
	}, {
		name:   "SetDeadline sets the read deadline",
		before: func(a *Conn) { a.SetDeadline(start) },
		call:   read,
		want:   deadlineOutcome{Err: "timeout", At: 0},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ForEachBackend(t, func(t *testing.T, backend string) {
				clock := timers.NewFake(start)
				f := newNetFixture(t, backend, loop.WithClock(clock))
				var got deadlineOutcome
				var early []string
				f.spawn("main", func(ctx context.Context) error {
					a, b, err := connPair(ctx, f.hub)
					if err != nil {
						return err
					}
					defer a.Close()
					defer b.Close()
					tt.before(a)
					ended := false
					caller := Spawn(ctx, func(ctx context.Context) error {
						n, err := tt.call(ctx, a)
						got = newDeadlineOutcome(n, err, f.loop.Now().Sub(start))
						ended = true
						return nil
					})
					if tt.driver != nil {
						if err := letLoopRun(ctx, 2); err != nil { // let the call park
							return err
						}
						stillWaiting := func(when string) {
							letLoopRun(ctx, 3) // let a deadline that should not fire, fire
							if ended {
								early = append(early, "the call ended "+when)
							}
						}
						if err := tt.driver(ctx, clock, a, b, stillWaiting); err != nil {
							return err
						}
					}
					return caller.Join(ctx)
				})
				f.run(10 * time.Second)
				if len(early) > 0 {
					t.Errorf("%v", early)
				}
				if tt.want.N == -1 && got.N > 0 && got.N < 64<<20 {
					got.N = -1 // any part of the big write will do
				}
				if d := cmp.Diff(tt.want, got); d != "" {
					t.Errorf("how the call ended (-want +got):\n%s", d)
				}
			})
		})
	}
}

// A deadlineOutcome is how a call of TestConnDeadlines ended: its count, its
// error ("timeout" for one that is a proper timeout, "" for none) and how
// long after the start on the fake clock.
type deadlineOutcome struct {
	N   int
	Err string
	At  time.Duration
}

func newDeadlineOutcome(n int, err error, at time.Duration) deadlineOutcome {
	o := deadlineOutcome{N: n, At: at}
	var ne net.Error
	switch {
	case err == nil:
	case errors.As(err, &ne) && ne.Timeout() && errors.Is(err, os.ErrDeadlineExceeded):
		o.Err = "timeout"
	default:
		o.Err = err.Error()
	}
	return o
}

// readerObserver counts the runs of the reader waiter of one fd.
type readerObserver struct {
	loop.NopObserver
	fd   int // set by the server coroutine, on the loop goroutine
	runs int
}

func (o *readerObserver) CallbackStarted(c loop.Callback) {
	if c.Kind == loop.Reader && c.FD == o.fd {
		o.runs++
	}
}

// TestConnWakesOncePerMessage checks that the readiness event the loop
// collects while a woken coroutine waits for its turn does not wake it a
// second time once it has parked again (fdWaiter.arm): one message, one
// wake-up.
func TestConnWakesOncePerMessage(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		obs := &readerObserver{fd: -1}
		f := newNetFixture(t, backend, loop.WithObserver(obs))
		ln, err := Listen(f.hub, "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		f.spawn("echo server", func(ctx context.Context) error {
			c, err := ln.Accept(ctx)
			ln.Close()
			if err != nil {
				return err
			}
			defer c.Close()
			obs.fd = c.fd
			return echoConn(ctx, c, 10)
		})
		const messages = 20
		done := make(chan error, 1)
		go func() {
			done <- func() error {
				c, err := net.Dial("tcp", ln.Addr().String())
				if err != nil {
					return err
				}
				defer c.Close()
				msg := make([]byte, 64)
				for range messages {
					time.Sleep(time.Millisecond) // the server parks before each
					if _, err := c.Write(msg); err != nil {
						return err
					}
					if _, err := netReadFull(c, msg); err != nil {
						return err
					}
				}
				return nil
			}()
		}()
		f.run(10 * time.Second)
		if err := <-done; err != nil {
			t.Fatalf("net client: %v", err)
		}
		// One run per message, and one for the end of file unless it came
		// before the server read again.
		if obs.runs < messages || obs.runs > messages+1 {
			t.Errorf("the conn's reader waiter ran %d times for %d messages and the end of file, want %d or %d",
				obs.runs, messages, messages, messages+1)
		}
	})
}

// TestConnParksAfterShortRead checks the read not made (Conn.Read): after
// a read that returned less than it was given, the next Read parks before
// it reads, even with data waiting, and the poll wakes it at once; after a
// full read, or with a cancelled context, it reads first. Whatever it
// skipped, it loses nothing: data, end of file and the context's error all
// come in order. The peer is a Unix socket pair, whose writes are in the
// reader's buffer when they return, so "data waiting" is certain.
func TestConnParksAfterShortRead(t *testing.T) {
	type step struct {
		send      string // the peer writes this first
		closePeer bool   // then shuts down its sending half: end of file
		cancel    bool   // Read gets a cancelled context
		size      int    // Read's buffer
	}
	type result struct {
		Got    string
		Err    string
		Parked bool
	}
	steps := []step{
		{send: "ab", size: 10},               // first Read: reads at once
		{send: "cd", size: 10},               // short before: parks, though "cd" waits
		{send: "efgh", size: 2},              // short before: parks
		{size: 2},                            // full before: reads "gh" at once
		{send: "ij", size: 2},                // full before: reads at once
		{send: "kl", cancel: true, size: 10}, // short before, cancelled: reads "kl" all the same
		{cancel: true, size: 10},             // nothing there: the context's error
		{send: "mn", closePeer: true, size: 10},
		{size: 10}, // short before: parks, and the poll brings end of file
	}
	want := []result{
		{Got: "ab"},
		{Got: "cd", Parked: true},
		{Got: "ef", Parked: true},
		{Got: "gh"},
		{Got: "ij"},
		{Got: "kl"},
		{Err: "context canceled"},
		{Got: "mn"}, // the Read before failed: no guess
		{Err: "EOF", Parked: true},
	}
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		c, peer := f.socketPairConn(t)
		parks := &parkCounter{}
		f.hub.SetObserver(parks)
		var got []result
		f.spawn("reader", func(ctx context.Context) error {
			defer c.Close()
			cancelled, cancel := context.WithCancel(ctx)
			cancel()
			buf := make([]byte, 10)
			for _, s := range steps {
				if _, err := unix.Write(peer, []byte(s.send)); s.send != "" && err != nil {
					return err
				}
				if s.closePeer {
					unix.Shutdown(peer, unix.SHUT_WR)
				}
				readCtx := ctx
				if s.cancel {
					readCtx = cancelled
				}
				before := parks.parked
				n, err := c.Read(readCtx, buf[:s.size])
				r := result{Got: string(buf[:n]), Parked: parks.parked > before}
				switch {
				case errors.Is(err, context.Canceled):
					r.Err = "context canceled" // without the address, which a socket pair lacks
				case err != nil:
					r.Err = err.Error()
				}
				got = append(got, r)
			}
			return nil
		})
		f.run(10 * time.Second)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Reads (-want +got):\n%s", diff)
		}
	})
}

// socketPairConn returns a Conn on one end of a non-blocking Unix socket
// pair, and the other end's fd, which the test writes to by hand and which
// is closed when t ends.
func (f *netFixture) socketPairConn(t *testing.T) (*Conn, int) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		if err := unix.SetNonblock(fd, true); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { unix.Close(fds[1]) })
	return newConn(f.loop, fds[0], netip.AddrPort{}), fds[1]
}

// A parkCounter is a hub Observer that counts parks.
type parkCounter struct{ parked int }

func (p *parkCounter) Resumed(*Coroutine)         {}
func (p *parkCounter) Parked(*Coroutine, string)  { p.parked++ }
func (p *parkCounter) Finished(*Coroutine, error) {}

// TestConnReadinessReadMeanwhileWakesNobody: when the poll finds an fd
// readable but the coroutine, resumed earlier in the same iteration by
// something else, reads the data itself and parks again on the fd, the
// readiness the loop queued is stale: it must not wake the coroutine for
// nothing. The wait renewed the fd's waiter (see fdWaiter.arm), unless it
// began in the waiter's own turn, where no stale readiness can follow.
func TestConnReadinessReadMeanwhileWakesNobody(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		f := newNetFixture(t, backend)
		c, peer := f.socketPairConn(t)
		parks := &parkRecorder{}
		f.hub.SetObserver(parks)
		write := func(s string) func() {
			return func() {
				if _, err := unix.Write(peer, []byte(s)); err != nil {
					t.Error(err)
				}
			}
		}
		var got []string
		f.spawn("reader", func(ctx context.Context) error {
			defer c.Close()
			buf := make([]byte, 1) // each read is full: Read never skips one
			read := func() error {
				n, err := c.Read(ctx, buf)
				got = append(got, string(buf[:n]))
				return err
			}
			// Nothing there: it parks, and its waiter stays (sticky).
			f.loop.CallSoon(write("a"))
			if err := read(); err != nil {
				return err
			}
			// "b" comes while it yields: the next poll queues its waiter
			// behind its resume, and it reads "b" first, then parks.
			write("b")()
			if err := Sleep(ctx, 0); err != nil {
				return err
			}
			if err := read(); err != nil {
				return err
			}
			f.loop.CallSoon(write("c"))
			return read()
		})
		f.run(10 * time.Second)
		if diff := cmp.Diff([]string{"a", "b", "c"}, got); diff != "" {
			t.Errorf("reads (-want +got):\n%s", diff)
		}
		want := []string{"Conn.Read", "Sleep", "Conn.Read"}
		if diff := cmp.Diff(want, parks.what); diff != "" {
			t.Errorf("parks (-want +got):\n%s", diff)
		}
	})
}

// A parkRecorder is a hub Observer that records what each park waits on.
type parkRecorder struct{ what []string }

func (p *parkRecorder) Resumed(*Coroutine)               {}
func (p *parkRecorder) Parked(_ *Coroutine, what string) { p.what = append(p.what, what) }
func (p *parkRecorder) Finished(*Coroutine, error)       {}
