package stage

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/trace"
	"golang.org/x/sys/unix"
)

// pipe returns a non-blocking pipe, closed when the test ends.
func pipe(t *testing.T) (r, w int) {
	t.Helper()
	var fds [2]int
	if err := unix.Pipe(fds[:]); err != nil {
		t.Fatal(err)
	}
	unix.SetNonblock(fds[0], true) // the reader drains it: a read must not block
	t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
	return fds[0], fds[1]
}

// polls returns what each poll of events found ready, and the notes, in
// order: "note: ..." or "ready: ...".
func polls(events []trace.Event) []string {
	var out []string
	for _, ev := range events {
		switch ev.Kind {
		case trace.PollReturned:
			var names []string
			for _, fd := range ev.Ready {
				names = append(names, fd.String())
			}
			out = append(out, "ready: "+strings.Join(names, " "))
		case trace.Note:
			out = append(out, "note: "+ev.What)
		}
	}
	return out
}

func TestStepsRunOneAtATimeWhenTheLoopWouldBlock(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		s := New(backend, nil)
		l, err := s.NewLoop()
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		r, w := pipe(t)
		got := 0
		l.AddReader(r, func() {
			var b [8]byte
			n, _ := unix.Read(r, b[:])
			got += n
			if got == 2 {
				l.RemoveReader(r)
			}
		})
		write := func(i int) Step {
			return Step{Name: fmt.Sprint("write ", i), Do: func() error {
				s.Note("", "write %d", i)
				_, err := unix.Write(w, []byte{byte(i)})
				return err
			}}
		}
		s.Script(write(1), write(2))
		s.Begin()
		testutil.Run(t, l, 10*time.Second)
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		// Each write is read before the next is made: two writes at once
		// would be one poll and one read.
		want := []string{"note: write 1", "ready: pipe#1:R", "note: write 2", "ready: pipe#1:R"}
		if diff := cmp.Diff(want, polls(s.Recorder().Events())); diff != "" {
			t.Errorf("polls (-want +got):\n%s", diff)
		}
		if left := s.StepsLeft(); len(left) != 0 {
			t.Errorf("steps left: %q", left)
		}
	})
}

func TestTheClockMovesToTheNextDeadlineWhenNoStepIsLeft(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		s := New(backend, nil)
		l, err := s.NewLoop()
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		var fired []time.Duration
		for _, d := range []time.Duration{3 * time.Second, time.Second} {
			l.CallLater(d, func() { fired = append(fired, l.Now().Sub(Epoch)) })
		}
		s.Begin()
		testutil.Run(t, l, 10*time.Second)
		if diff := cmp.Diff([]time.Duration{time.Second, 3 * time.Second}, fired); diff != "" {
			t.Errorf("timers fired at (-want +got):\n%s", diff)
		}
	})
}

func TestAFailedStepOrAStuckLoopFailsTheRunAndEndsTheScript(t *testing.T) {
	broken := errors.New("broken")
	tests := []struct {
		name  string
		steps []Step
		want  string // in the error
	}{
		{"a step fails", []Step{{Name: "fails", Do: func() error { return broken }}}, `step "fails": broken`},
		{"nothing can wake the loop", nil, "no step left and no timer is pending"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testutil.ForEachBackend(t, func(t *testing.T, backend string) {
				s := New(backend, nil)
				l, err := s.NewLoop()
				if err != nil {
					t.Fatal(err)
				}
				defer l.Close()
				r, _ := pipe(t)
				l.AddReader(r, func() {})
				s.Script(tt.steps...)
				s.Begin()
				done := make(chan struct{})
				go func() {
					// The program's shut-down: once the script has ended,
					// the loop is stopped from outside, as a server's
					// Close does.
					<-s.Finished()
					l.CallSoonThreadSafe(func() { l.RemoveReader(r) })
					close(done)
				}()
				testutil.Run(t, l, 10*time.Second)
				<-done
				if err := s.Err(); err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("Err() = %v, want an error containing %q", err, tt.want)
				}
			})
		})
	}
}

func TestTheHooksPutTheProgramOnTheStage(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		s := New(backend, nil)
		l, err := s.NewLoop()
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		if s.Loop() != l {
			t.Error("Loop() is not the loop the hooks made")
		}
		if got := l.Now(); !got.Equal(Epoch) {
			t.Errorf("the loop's clock reads %v, want the stage's fake clock at %v", got, Epoch)
		}
		if got := l.Backend(); backend != "" && got != backend {
			t.Errorf("the loop's backend is %s, want %s", got, backend)
		}
		hub := s.NewHub(l)
		defer hub.Close()
		if s.Hub() != hub {
			t.Error("Hub() is not the hub the hooks made")
		}
		hub.Spawn(func(ctx context.Context) error { return nil }).SetName("job")
		s.Begin()
		testutil.Run(t, l, 10*time.Second)
		if err := s.Err(); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, ev := range s.Recorder().Events() {
			if ev.Coroutine != "" {
				got = append(got, ev.Kind.String()+" "+ev.Coroutine)
			}
		}
		if diff := cmp.Diff([]string{"resume job", "finish job"}, got); diff != "" {
			t.Errorf("the hub's hand-offs the recorder saw (-want +got):\n%s", diff)
		}
	})
}

func TestASecondLoopFailsTheRun(t *testing.T) {
	s := New("", nil)
	for range 2 {
		l, err := s.NewLoop()
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
	}
	if err := s.Err(); err == nil || !strings.Contains(err.Error(), "second loop") {
		t.Errorf("Err() = %v, want an error about a second loop", err)
	}
}
