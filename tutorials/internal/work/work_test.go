package work

import (
	"testing"
)

func TestFibByItsDefinition(t *testing.T) {
	for n, want := range []string{"0", "1", "1", "2", "3", "5", "8", "13", "21", "34", "55"} {
		w := Fib(n)
		steps := 1
		for !w.Step() {
			steps++
		}
		if got := w.Result(); got != want {
			t.Errorf("Fib(%d) = %s, want %s", n, got, want)
		}
		if steps != 1 {
			t.Errorf("Fib(%d) took %d steps, want 1: it is a few calls", n, steps)
		}
	}
}

func TestFibTakesManySteps(t *testing.T) {
	w := Fib(25)
	steps := 1
	for !w.Step() {
		steps++
	}
	if got, want := w.Result(), "75025"; got != want {
		t.Errorf("Fib(25) = %s, want %s", got, want)
	}
	// fib(25) makes 2*fib(26)-1 = 242785 calls.
	if want := 242785/callsPerStep + 1; steps != want {
		t.Errorf("Fib(25) took %d steps, want %d", steps, want)
	}
}

func TestParse(t *testing.T) {
	if _, err := Parse("35"); err != nil {
		t.Errorf("Parse(35) = %v", err)
	}
	for _, bad := range []string{"", "x", "-1", "46"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) = nil error, want one", bad)
		}
	}
}

func BenchmarkFib30(b *testing.B) {
	for b.Loop() {
		w := Fib(30)
		for !w.Step() {
		}
	}
}
