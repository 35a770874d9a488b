package scenarios

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/testutil"
)

// TestStepPausesBeforeEachIteration steps print_sum with a fake stdin and
// compares what it prints with testdata/step-print_sum.txt: before each
// iteration, the rows drawn since the last pause, the loop's waiters,
// timers and ready queue, the coroutines with what they wait on, and the
// prompt.
func TestStepPausesBeforeEachIteration(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		sc, err := Lookup("print_sum")
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := Step(&out, strings.NewReader(strings.Repeat("\n", 10)), sc, Options{Backend: backend}); err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "step-print_sum.txt")
		if *update {
			if err := os.WriteFile(golden, out.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), out.String()); diff != "" {
			t.Errorf("Step's output (-want +got):\n%s", diff)
		}
	})
}

// TestSteppingDoesNotChangeTheRun steps the echo scenario, whose loop runs
// on a goroutine of the example's, and checks that the events are those
// of a run that is not stepped.
func TestSteppingDoesNotChangeTheRun(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		sc, err := Lookup("echo")
		if err != nil {
			t.Fatal(err)
		}
		opts := Options{Style: "coroutines", Backend: backend}
		want, err := runBounded(t, sc, opts)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		got, err := Step(&out, strings.NewReader(strings.Repeat("\n", 100)), sc, opts)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.Events, got.Events); diff != "" {
			t.Errorf("events of the stepped run (-run +stepped):\n%s", diff)
		}
		if n := strings.Count(out.String(), "[Enter]"); n < 10 {
			t.Errorf("Step paused %d times, want one pause per iteration (more than 10):\n%s", n, &out)
		}
	})
}

func TestStepRunsToTheEndWhenTheInputEnds(t *testing.T) {
	testutil.ForEachBackend(t, func(t *testing.T, backend string) {
		sc, err := Lookup("print_sum")
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if _, err := Step(&out, strings.NewReader("\n"), sc, Options{Backend: backend}); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		if n := strings.Count(got, "[Enter]"); n != 2 {
			t.Errorf("Step prompted %d times with one line of input, want 2 (the second finds the end):\n%s", n, got)
		}
		if !strings.HasSuffix(got, "── the run has ended ──\n") || !strings.Contains(got, "1 + 2 = 3") {
			t.Errorf("Step did not run to the end:\n%s", got)
		}
	})
}

func TestLookupNamesWhatThereIs(t *testing.T) {
	if _, err := Lookup("nope"); err == nil || !strings.Contains(err.Error(), "print_sum, echo, chat, fetch") {
		t.Errorf(`Lookup("nope") = %v, want an error listing the scenarios`, err)
	}
	sc, err := Lookup("echo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sc.Run(Options{Style: "goroutines"}); err == nil || !strings.Contains(err.Error(), "coroutines, callbacks, protocol") {
		t.Errorf(`Run(Style "goroutines") = %v, want an error listing the styles`, err)
	}
}
