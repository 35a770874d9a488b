package trace

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/internal/testutil"
	"github.com/loopkit/loopkit/loop"
	"github.com/loopkit/loopkit/timers"
	"golang.org/x/sys/unix"
)

// epoch is where the tests' fake clocks start.
var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// newRecordedLoop returns a loop on backend and a fake clock, with rec
// attached, and after it the other observers given.
func newRecordedLoop(t *testing.T, backend string, rec *Recorder, others ...loop.Observer) (*loop.Loop, *timers.Fake) {
	t.Helper()
	clock := timers.NewFake(epoch)
	observers := append([]loop.Observer{rec}, others...)
	l, _ := testutil.NewLoop(t, backend, loop.WithObserver(loop.Tee(observers...)), loop.WithClock(clock))
	rec.Attach(l)
	return l, clock
}

// pipeReader is the reader of a pipe's read end: it reads one byte, stops
// reading, and moves the clock on by a second.
type pipeReader struct {
	loop  *loop.Loop
	clock *timers.Fake
	rec   *Recorder
	fd    int
}

func (p *pipeReader) onReadable() {
	var b [1]byte
	if n, err := unix.Read(p.fd, b[:]); n != 1 || err != nil {
		p.loop.ReportError(err)
	}
	p.loop.RemoveReader(p.fd)
	p.rec.Note("", "read 1 byte")
	p.clock.Advance(time.Second) // wakes the loop through its wake-up fd
}

func (p *pipeReader) tick() { p.rec.Note("", "tick") }

func TestRecorderSeesPollsCallbacksAndTimers(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		rec := NewRecorder()
		l, clock := newRecordedLoop(t, backend, rec)
		var fds [2]int
		if err := unix.Pipe(fds[:]); err != nil {
			t.Fatal(err)
		}
		unix.SetNonblock(fds[0], true)
		t.Cleanup(func() { unix.Close(fds[0]); unix.Close(fds[1]) })
		p := &pipeReader{loop: l, clock: clock, rec: rec, fd: fds[0]}
		if err := l.AddReader(fds[0], p.onReadable); err != nil {
			t.Fatal(err)
		}
		l.CallLater(time.Second, p.tick)
		unix.Write(fds[1], []byte{1})
		testutil.Run(t, l, 10*time.Second)

		pipe := []FD{{Name: "pipe#1", Events: loop.Readable}}
		want := []Event{
			{Kind: IterationStarted, Iteration: 1, Lane: "loop"},
			{Kind: PollStarted, Iteration: 1, Lane: "loop", Timeout: -1, Watching: pipe},
			{Kind: PollReturned, Iteration: 1, Lane: "loop", Ready: pipe},
			{Kind: CallbackRun, Iteration: 1, Lane: "pipe#1", Callback: loop.Reader, FD: "pipe#1", Func: "trace.(*pipeReader).onReadable"},
			{Kind: Note, Iteration: 1, Lane: "pipe#1", What: "read 1 byte"},
			{Kind: CallbackReturned, Iteration: 1, At: time.Second, Lane: "pipe#1"},
			{Kind: IterationStarted, Iteration: 2, At: time.Second, Lane: "loop"},
			{Kind: PollStarted, Iteration: 2, At: time.Second, Lane: "loop", Timeout: 0, Watching: []FD{}},
			{Kind: PollReturned, Iteration: 2, At: time.Second, Lane: "loop", Ready: []FD{{Name: "wake", Events: loop.Readable}}},
			{Kind: TimerFired, Iteration: 2, At: time.Second, Lane: "loop", Callback: loop.Timer, Func: "trace.(*pipeReader).tick", Deadline: time.Second},
			{Kind: Note, Iteration: 2, At: time.Second, Lane: "loop", What: "tick"},
			{Kind: CallbackReturned, Iteration: 2, At: time.Second, Lane: "loop"},
		}
		if diff := cmp.Diff(want, rec.Events()); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}

// advancer moves a fake clock by a second whenever the loop is about to
// block: it stands for time passing while the program waits.
type advancer struct {
	loop.NopObserver
	clock *timers.Fake
}

func (a advancer) PollStarted(timeout time.Duration) {
	if timeout < 0 {
		a.clock.Advance(time.Second)
	}
}

func TestRecorderSeesCoroutinesResumeAndPark(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		rec := NewRecorder()
		clock := timers.NewFake(epoch)
		l, _ := testutil.NewLoop(t, backend, loop.WithObserver(loop.Tee(rec, advancer{clock: clock})), loop.WithClock(clock))
		rec.Attach(l)
		hub := coroutines.NewHub(l)
		t.Cleanup(func() { hub.Close() })
		hub.SetObserver(rec)
		hub.Spawn(func(ctx context.Context) error {
			if err := coroutines.Sleep(ctx, time.Second); err != nil {
				return err
			}
			rec.Note("", "slept")
			return nil
		}).SetName("sleeper")
		if err := hub.Run(); err != nil {
			t.Fatalf("Hub.Run() = %v", err)
		}

		none := []FD{}
		want := []Event{
			{Kind: IterationStarted, Iteration: 1, Lane: "loop"},
			{Kind: PollStarted, Iteration: 1, Lane: "loop", Timeout: 0, Watching: none},
			{Kind: PollReturned, Iteration: 1, Lane: "loop", Ready: none},
			{Kind: CallbackRun, Iteration: 1, Lane: "loop", Callback: loop.Soon, Func: "coroutines.(*Coroutine).startIfCreated"},
			{Kind: Resumed, Iteration: 1, Lane: "sleeper", Coroutine: "sleeper"},
			{Kind: Parked, Iteration: 1, Lane: "sleeper", Coroutine: "sleeper", What: "Sleep"},
			{Kind: CallbackReturned, Iteration: 1, Lane: "loop"},
			{Kind: IterationStarted, Iteration: 2, Lane: "loop"},
			{Kind: PollStarted, Iteration: 2, Lane: "loop", Timeout: -1, Watching: none},
			{Kind: PollReturned, Iteration: 2, At: time.Second, Lane: "loop", Ready: []FD{{Name: "wake", Events: loop.Readable}}},
			{Kind: TimerFired, Iteration: 2, At: time.Second, Lane: "loop", Callback: loop.Timer, Func: "coroutines.(*Coroutine).wake", Deadline: time.Second},
			{Kind: CallbackReturned, Iteration: 2, At: time.Second, Lane: "loop"},
			{Kind: IterationStarted, Iteration: 3, At: time.Second, Lane: "loop"},
			{Kind: PollStarted, Iteration: 3, At: time.Second, Lane: "loop", Timeout: 0, Watching: none},
			{Kind: PollReturned, Iteration: 3, At: time.Second, Lane: "loop", Ready: none},
			{Kind: CallbackRun, Iteration: 3, At: time.Second, Lane: "loop", Callback: loop.Soon, Func: "coroutines.(*Coroutine).resumeIfQueued"},
			{Kind: Resumed, Iteration: 3, At: time.Second, Lane: "sleeper", Coroutine: "sleeper"},
			{Kind: Note, Iteration: 3, At: time.Second, Lane: "sleeper", What: "slept"},
			{Kind: Finished, Iteration: 3, At: time.Second, Lane: "sleeper", Coroutine: "sleeper"},
			{Kind: CallbackReturned, Iteration: 3, At: time.Second, Lane: "loop"},
		}
		if diff := cmp.Diff(want, rec.Events()); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}
