package calltrace

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/coroutines"
	"github.com/loopkit/loopkit/loop"
)

func ranSoon() {}

func TestObserverPrintsPollsAndCallbacks(t *testing.T) {
	var out strings.Builder
	l, err := loop.New(loop.WithObserver(New(&out)))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.CallSoon(ranSoon)
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	want := "#1 Wait(0s) -> nothing\n     soon         calltrace.ranSoon\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("trace (-want +got):\n%s", diff)
	}
}

func TestFuncName(t *testing.T) {
	for full, want := range map[string]string{
		"github.com/loopkit/loopkit/callbacks.(*Conn).readable-fm": "callbacks.(*Conn).readable",
		"main.main": "main.main",
		"github.com/loopkit/loopkit/tutorials/05-callbacks/exercise.Echo.func1": "exercise.Echo.func1",
	} {
		if got := FuncName(full); got != want {
			t.Errorf("FuncName(%q) = %q, want %q", full, got, want)
		}
	}
}

var _ coroutines.Observer = (*Observer)(nil)

func TestObserverPrintsHandOffs(t *testing.T) {
	var out strings.Builder
	o := New(&out)
	l, err := loop.New(loop.WithObserver(o))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	hub := coroutines.NewHub(l)
	hub.SetObserver(o)
	hub.Spawn(func(ctx context.Context) error { return coroutines.Sleep(ctx, 0) }).SetName("napper")
	if err := hub.Run(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"loop -> napper\n", "napper -> loop: parked on Sleep\n", "napper -> loop: finished (<nil>)\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the trace does not have %q:\n%s", want, out.String())
		}
	}
}
