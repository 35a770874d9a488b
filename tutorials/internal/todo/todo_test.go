package todo

import (
	"errors"
	"strings"
	"testing"

	"github.com/loopkit/loopkit/loop"
)

func TestShortName(t *testing.T) {
	for function, want := range map[string]string{
		"github.com/x/tutorials/03-select/exercise.(*Poller).Register": "Register",
		"github.com/x/tutorials/01-blocking/exercise.Echo":             "Echo",
		"github.com/x/tutorials/01-blocking/exercise.Echo.func1":       "Echo",
		"github.com/x/tutorials/04-loop/exercise.(*Loop).runReady.1":   "runReady",
		"github.com/x/tutorials/03-select/exercise.Poller.MaxFD":       "MaxFD",
		"main.main": "main",
	} {
		if got := shortName(function); got != want {
			t.Errorf("shortName(%q) = %q, want %q", function, got, want)
		}
	}
}

func hole() { panic("TODO(step03): hole: fill me in") }

func TestCatchWordsATODOPanic(t *testing.T) {
	got := Catch(hole)
	for _, want := range []string{
		"hole is not implemented yet (TODO(step03) in todo/todo_test.go:",
		"the TODO says: hole: fill me in",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("Catch(hole) = %q, want it to contain %q", got, want)
		}
	}
}

func TestCatchKeepsTheStackOfOtherPanics(t *testing.T) {
	got := Catch(func() { panic("boom") })
	if !strings.Contains(got, "panicked at todo/todo_test.go:") || !strings.Contains(got, "boom") || !strings.Contains(got, "goroutine") {
		t.Errorf("Catch(panic boom) = %q, want where, the value and the stack", got)
	}
	if got := Catch(func() {}); got != "" {
		t.Errorf("Catch(no panic) = %q, want empty", got)
	}
}

func TestCallTurnsATODOIntoAnError(t *testing.T) {
	err := Call(func() error { hole(); return nil })
	if err == nil || !strings.Contains(err.Error(), "not implemented yet") || !strings.Contains(err.Error(), "-ref") {
		t.Errorf("Call(hole) = %v, want a not-implemented error pointing at -ref", err)
	}
	sentinel := errors.New("x")
	if err := Call(func() error { return sentinel }); err != sentinel {
		t.Errorf("Call(return x) = %v, want x", err)
	}
	defer func() {
		if v := recover(); v != "boom" {
			t.Errorf("Call(panic boom) let %v through, want the panic itself", v)
		}
	}()
	Call(func() error { panic("boom") })
}

func TestReportedWordsATODOPanicOfACallback(t *testing.T) {
	var reported []string
	l, err := loop.New(loop.WithErrorHandler(func(err error) { reported = append(reported, Reported(err).Error()) }))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.CallSoon(hole)
	l.CallSoon(func() { panic("boom") })
	if err := l.Run(); err != nil {
		t.Fatal(err)
	}
	if len(reported) != 2 {
		t.Fatalf("the loop reported %d errors, want 2: %q", len(reported), reported)
	}
	if want := "hole is not implemented yet (TODO(step03) in todo/todo_test.go:"; !strings.HasPrefix(reported[0], want) {
		t.Errorf("Reported(the TODO panic) = %q, want it to start %q", reported[0], want)
	}
	if !strings.Contains(reported[1], "callback panicked: boom") {
		t.Errorf("Reported(another panic) = %q, want the loop's own error", reported[1])
	}
	if err := errors.New("x"); Reported(err) != err {
		t.Error("Reported changed an error that is not a panic")
	}
}

// TestExplainWordsOnlyTODOPanics: looptest fails a check with Explain's
// words, so a TODO must read as the other checks word it, and any other
// panic must be left to looptest.
func TestExplainWordsOnlyTODOPanics(t *testing.T) {
	for _, tt := range []struct {
		value any
		want  string
	}{
		{"TODO(step03): Wait: poll", "Wait is not implemented yet (TODO(step03) in exercise/poller.go:41)\n  the TODO says: Wait: poll"},
		{"index out of range", ""},
		{errors.New("TODO(step03)"), ""},
	} {
		if got := Explain(tt.value, "Wait", "exercise/poller.go:41"); got != tt.want {
			t.Errorf("Explain(%#v) = %q, want %q", tt.value, got, tt.want)
		}
	}
}
