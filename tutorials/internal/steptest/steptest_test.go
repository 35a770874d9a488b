package steptest

import (
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/loopkit/loopkit/loop"
)

// A recorder is a testing.TB that keeps what a helper reports, so that
// the helpers' own failures can be checked. Fatal ends the goroutine, as
// testing's does; run the helper with recorder.run.
type recorder struct {
	testing.TB // nil: methods not overridden here must not be called
	name       string

	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (r *recorder) Helper()                           {}
func (r *recorder) Name() string                      { return r.name }
func (r *recorder) Logf(string, ...any)               {}
func (r *recorder) Cleanup(f func())                  { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Errorf(format string, args ...any) { r.record(format, args...) }
func (r *recorder) Fatalf(format string, args ...any) {
	r.record(format, args...)
	runtime.Goexit()
}
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.errors) > 0
}

func (r *recorder) record(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, strings.TrimSpace(fmt.Sprintf(format, args...)))
}

// run calls fn on a goroutine of its own (a Fatalf ends it), then the
// cleanups, last first, and returns what was reported.
func (r *recorder) run(fn func(tb testing.TB)) string {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r)
	}()
	<-done
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errors, "\n")
}

func TestImplPicksByEnvironment(t *testing.T) {
	impls := Registry[string]{"exercise": "mine", "solution": "reference", "mutant/x": "wrong"}
	for env, want := range map[string]string{"": "mine", "solution": "reference", "mutant/x": "wrong"} {
		t.Setenv("LOOPKIT_IMPL", env)
		if got := Impl(t, impls); got != want {
			t.Errorf("LOOPKIT_IMPL=%q: Impl = %q, want %q", env, got, want)
		}
	}
	t.Setenv("LOOPKIT_IMPL", "nope")
	got := (&recorder{}).run(func(tb testing.TB) { Impl(tb, impls) })
	if !strings.Contains(got, `LOOPKIT_IMPL="nope"`) || !strings.Contains(got, "exercise, mutant/x, solution") {
		t.Errorf("an unknown LOOPKIT_IMPL reported %q, want the name and the choices", got)
	}
}

// ownPoller is a poller of the student's kind: it holds only its own
// state, or the kit's poller when wrapping it.
type ownPoller struct {
	interest map[int]loop.Events
	inner    loop.Poller
}

func (p *ownPoller) Register(int, loop.Events) error               { return nil }
func (p *ownPoller) Wait(time.Duration, []loop.Event) (int, error) { return 0, nil }
func (p *ownPoller) Close() error                                  { return nil }

func TestNotKitPollerSeesTheKitsPoller(t *testing.T) {
	kit, err := loop.NewPoller("select")
	if err != nil {
		t.Fatal(err)
	}
	defer kit.Close()
	if err := NotKitPoller(&ownPoller{interest: map[int]loop.Events{}}); err != nil {
		t.Errorf("NotKitPoller(own poller) = %v, want nil", err)
	}
	if err := NotKitPoller(kit); err == nil || !strings.Contains(err.Error(), "is the kit's own") {
		t.Errorf("NotKitPoller(kit's select) = %v, want an error saying so", err)
	}
	if err := NotKitPoller(&ownPoller{inner: kit}); err == nil || !strings.Contains(err.Error(), "in field inner") {
		t.Errorf("NotKitPoller(wrapper of the kit's select) = %v, want an error naming the field", err)
	}
}

func TestNotKitLoopAllowsTheKitsPoller(t *testing.T) {
	kit, err := loop.NewPoller("poll")
	if err != nil {
		t.Fatal(err)
	}
	defer kit.Close()
	type ownLoop struct{ poller loop.Poller }
	if err := NotKitLoop(&ownLoop{poller: kit}); err != nil {
		t.Errorf("NotKitLoop(a loop holding the kit's poller) = %v, want nil", err)
	}
	l, err := loop.New()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	type wrapper struct{ l *loop.Loop }
	if err := NotKitLoop(&wrapper{l: l}); err == nil || !strings.Contains(err.Error(), "*loop.Loop") {
		t.Errorf("NotKitLoop(wrapper of loop.New) = %v, want an error naming *loop.Loop", err)
	}
}

func TestCheckLeaksNamesALeakedFD(t *testing.T) {
	t.Setenv("LOOPKIT_TIME_SCALE", "0.1") // its wait for fds to close: 200ms
	var fds [2]int
	got := (&recorder{}).run(func(tb testing.TB) {
		CheckLeaks(tb)
		if err := unix.Pipe(fds[:]); err != nil {
			t.Fatal(err)
		}
	})
	unix.Close(fds[0])
	unix.Close(fds[1])
	if !strings.Contains(got, "leaked 2 fd(s)") || !strings.Contains(got, "pipe") {
		t.Errorf("CheckLeaks after a pipe left open reported %q, want 2 leaked fds, a pipe", got)
	}
}

func TestCheckLeaksNamesALeakedGoroutine(t *testing.T) {
	t.Setenv("LOOPKIT_TIME_SCALE", "0.1") // its wait for goroutines to end: 200ms
	stop := make(chan struct{})
	defer close(stop)
	got := (&recorder{}).run(func(tb testing.TB) {
		CheckLeaks(tb)
		go func() { <-stop }()
	})
	if !strings.Contains(got, "leaked 1 goroutine(s)") || !strings.Contains(got, "steptest_test.go") {
		t.Errorf("CheckLeaks after a goroutine left blocked reported %q, want it, with its stack", got)
	}
	if got := (&recorder{}).run(func(tb testing.TB) { CheckLeaks(tb) }); got != "" {
		t.Errorf("CheckLeaks with nothing leaked reported %q", got)
	}
}

// netEcho is an echo server written with package net: the independent
// peer that the echo suite is checked against. cut, if positive, makes it
// close each connection after echoing that many bytes.
func netEcho(t *testing.T, cut int64) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(t, ln.Addr().String())
	srv.OnStop(func() { ln.Close() })
	srv.Go("accept", func() error {
		for {
			c, err := ln.Accept()
			if err != nil {
				return nil
			}
			go func() {
				defer c.Close()
				if cut > 0 {
					io.CopyN(c, c, cut)
					return
				}
				io.Copy(c, c)
			}()
		}
	})
	return srv
}

func TestEchoPassesAGoodServer(t *testing.T) {
	srv := netEcho(t, 0)
	if !Echo(t, srv, 1, MiB) {
		t.Error("Echo failed against io.Copy")
	}
	Echo(t, srv, 10, 64<<10)
}

func TestEchoFailsAServerThatCutsShort(t *testing.T) {
	srv := netEcho(t, 1000)
	got := (&recorder{}).run(func(tb testing.TB) { Echo(tb, srv, 1, 64<<10) })
	if !strings.Contains(got, "the server echoed 1000 of 65536 bytes, then closed the connection") {
		t.Errorf("Echo against a server that stops after 1000 bytes reported %q", got)
	}
}

func TestGate(t *testing.T) {
	g := NewGate()
	if Within(10*time.Millisecond, g.Opened()) {
		t.Fatal("a new gate is open")
	}
	go g.Open()
	if !Within(5*time.Second, g.Opened()) {
		t.Fatal("Open did not open the gate")
	}
	g.Open() // twice is harmless
	g.Wait()
}
