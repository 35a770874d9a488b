package signals

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
)

func TestHandlerRunsAsLoopCallback(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		checkLeaks(t)
		l, _ := testutil.NewLoop(t, backend)
		var got []string
		var h *Handler
		h, err := Handle(l, syscall.SIGUSR1, func() {
			got = append(got, "handler")
			h.Stop() // the hold goes with it: Run returns
		})
		if err != nil {
			t.Fatal(err)
		}
		h.Hold()
		l.CallSoon(func() {
			got = append(got, "raise")
			raise(t, syscall.SIGUSR1)
		})
		testutil.Run(t, l, 5*time.Second)
		if diff := cmp.Diff([]string{"raise", "handler"}, got); diff != "" {
			t.Errorf("what ran (-want +got):\n%s", diff)
		}
	})
}

func TestHandleRefusesWhatCannotBeHandled(t *testing.T) {
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	for _, tc := range []struct {
		name string
		sig  syscall.Signal
		fn   func()
		want string
	}{
		{"SIGKILL", syscall.SIGKILL, func() {}, "SIGKILL (9) cannot be caught"},
		{"SIGSTOP", syscall.SIGSTOP, func() {}, fmt.Sprintf("SIGSTOP (%d) cannot be caught", int(syscall.SIGSTOP))},
		{"Zero", 0, func() {}, "signals: 0 is not a signal of"},
		{"TooBig", 1000, func() {}, "signals: 1000 is not a signal of"},
		{"Negative", -2, func() {}, "signals: -2 is not a signal of"},
		{"NilHandler", syscall.SIGUSR1, nil, "signals: Handle(SIGUSR1): nil handler"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := Handle(l, tc.sig, tc.fn)
			if err == nil {
				h.Stop()
				t.Fatalf("Handle(%d) = nil error, want one containing %q", int(tc.sig), tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Handle(%d) = %q, want it to contain %q", int(tc.sig), err, tc.want)
			}
		})
	}
}

// TestHandlerDoesNotKeepLoopAlive: a loop with nothing but a handler has
// nothing to wait for, and Run returns at once, as asyncio's does when
// run_until_complete's future is done.
func TestHandlerDoesNotKeepLoopAlive(t *testing.T) {
	checkLeaks(t)
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	h, err := Handle(l, syscall.SIGUSR1, func() {})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Stop()
	testutil.Run(t, l, 5*time.Second) // fails the test if Run does not return
}

// TestStoppedHandlerNeverRuns: the relay may have queued the handler just
// before Stop; the queued call must then do nothing.
func TestStoppedHandlerNeverRuns(t *testing.T) {
	checkLeaks(t)
	l, _ := testutil.NewLoop(t, loop.Backends()[0])
	ran := false
	h, err := Handle(l, syscall.SIGUSR1, func() { ran = true })
	if err != nil {
		t.Fatal(err)
	}
	l.CallSoon(h.run) // as the relay would, for a signal on its way
	h.Stop()
	testutil.Run(t, l, 5*time.Second)
	if ran {
		t.Error("the handler ran after Stop")
	}
}

// TestEveryLoopHearsTheSignal: two loops handling the same signal each get
// their copy, as two channels given to os/signal.Notify do.
func TestEveryLoopHearsTheSignal(t *testing.T) {
	checkLeaks(t)
	backend := loop.Backends()[0]
	l1, _ := testutil.NewLoop(t, backend)
	l2, _ := testutil.NewLoop(t, backend)
	heard := make(chan string, 2)
	for _, lp := range []struct {
		name string
		l    *loop.Loop
	}{{"first", l1}, {"second", l2}} {
		var h *Handler
		h, err := Handle(lp.l, syscall.SIGUSR2, func() {
			heard <- lp.name
			h.Stop()
		})
		if err != nil {
			t.Fatal(err)
		}
		h.Hold()
	}
	wait := testutil.Go(t, func() error {
		testutil.Run(t, l2, 5*time.Second)
		return nil
	})
	raise(t, syscall.SIGUSR2)
	testutil.Run(t, l1, 5*time.Second)
	wait()
	got := map[string]bool{<-heard: true, <-heard: true}
	if diff := cmp.Diff(map[string]bool{"first": true, "second": true}, got); diff != "" {
		t.Errorf("loops that heard SIGUSR2 (-want +got):\n%s", diff)
	}
}

func TestPanicInHandlerReachesErrorHandler(t *testing.T) {
	checkLeaks(t)
	l, errs := testutil.NewLoop(t, loop.Backends()[0])
	var h *Handler
	h, err := Handle(l, syscall.SIGUSR1, func() {
		h.Stop()
		panic("handler broke")
	})
	if err != nil {
		t.Fatal(err)
	}
	h.Hold()
	l.CallSoon(func() { raise(t, syscall.SIGUSR1) })
	testutil.Run(t, l, 5*time.Second)
	reported := errs.Take()
	var pe *loop.PanicError
	if len(reported) != 1 || !errors.As(reported[0], &pe) || pe.Value != "handler broke" {
		t.Fatalf("the loop reported %v, want one PanicError of \"handler broke\"", reported)
	}
	if !strings.Contains(string(pe.Stack), "signals.TestPanicInHandlerReachesErrorHandler") {
		t.Errorf("the panic's stack does not name the handler:\n%s", pe.Stack)
	}
}

// TestClosedLoopEndsTheRelay: a handler left on a loop that was closed
// ends its goroutine at the next signal, and gives the signal back.
func TestClosedLoopEndsTheRelay(t *testing.T) {
	checkLeaks(t)
	l, err := loop.New()
	if err != nil {
		t.Fatal(err)
	}
	h, err := Handle(l, syscall.SIGUSR1, func() { t.Error("the handler ran on a closed loop") })
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	raise(t, syscall.SIGUSR1)
	select {
	case <-h.exited:
	case <-time.After(testutil.Scale(5 * time.Second)):
		t.Fatal("the relay of a handler on a closed loop did not end at the next signal")
	}
}
