package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompareYours runs compare --yours on the reference poller of step 03
// (LOOPKIT_IMPL=solution), with short windows: yours is in the poll cost,
// at every idle count, and in the echo table, beside the kit's select.
func TestCompareYours(t *testing.T) {
	if _, err := os.Stat("../../tutorials/03-select/solution"); err != nil {
		t.Skip("no reference of step 03 here (the student edition): nothing known to pass to measure")
	}
	t.Setenv("LOOPKIT_IMPL", "solution")
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	status := cli([]string{"compare", "--yours", "--out", dir, "--styles", "callbacks", "--backends", "select",
		"--conns", "1,20", "--idle", "1,10", "--rounds", "1", "--warmup", "20ms", "--window", "50ms", "--chat-users", "5"}, &stdout, &stderr)
	if status != 0 {
		t.Fatalf("compare --yours: status %d\nstdout:\n%s\nstderr:\n%s", status, stdout.String(), stderr.String())
	}
	for _, want := range []string{"callbacks/yours", "callbacks/select", "yours is the poller of tutorial step 03, its reference"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("compare --yours printed no %q:\n%s", want, stdout.String())
		}
	}
	r := readResults(t, dir)
	var idle []int
	for _, f := range r.PollCost {
		if f.Backend == yoursBackend && f.Error == "" && f.NsPerIteration > 0 {
			idle = append(idle, f.Idle)
		}
	}
	if len(idle) != 2 {
		t.Errorf("results.json has yours's poll cost at idle counts %v, want 1 and 10: %+v", idle, r.PollCost)
	}
	echoed := 0
	for _, e := range r.Echo {
		if e.Backend == yoursBackend && e.Error == "" && e.RoundTrips > 0 {
			echoed++
		}
	}
	if echoed != 2 {
		t.Errorf("results.json has %d echo runs of yours with round trips, want 2: %+v", echoed, r.Echo)
	}
}

// TestCompareYoursWhenStep03DoesNotBuild: a half-written exercise that does
// not compile (put in place with go build's -overlay, which compare's go
// build reads from GOFLAGS) is one failure of the run, with the compiler's
// message; the kit's servers are measured as usual.
func TestCompareYoursWhenStep03DoesNotBuild(t *testing.T) {
	broken := filepath.Join(t.TempDir(), "poller.go")
	if err := os.WriteFile(broken, []byte("package selectpoll\n\nfunc New() { half written\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	exercise, err := filepath.Abs("../../tutorials/03-select/exercise/poller.go")
	if err != nil {
		t.Fatal(err)
	}
	overlay := filepath.Join(t.TempDir(), "overlay.json")
	js, _ := json.Marshal(map[string]any{"Replace": map[string]string{exercise: broken}})
	if err := os.WriteFile(overlay, js, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOFLAGS", "-overlay="+overlay)
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	status := cli([]string{"compare", "--yours", "--out", dir, "--styles", "goroutines", "--backends", "select",
		"--conns", "1", "--idle", "1", "--rounds", "1", "--warmup", "20ms", "--window", "50ms", "--chat-users", "5"}, &stdout, &stderr)
	if status != 1 {
		t.Errorf("compare --yours on a step 03 that does not build: status %d, want 1", status)
	}
	if want := "FAILED: yours, the poller of tutorial step 03: go build ./tutorials/03-select"; !strings.Contains(stdout.String(), want) {
		t.Errorf("compare --yours printed no %q:\n%s", want, stdout.String())
	}
	r := readResults(t, dir)
	if len(r.Echo) != 1 || r.Echo[0].Style != "goroutines" || r.Echo[0].RoundTrips == 0 {
		t.Errorf("the kit's echo was not measured beside the failure: %+v", r.Echo)
	}
}

// readResults reads a report's results.json.
func readResults(t *testing.T, dir string) results {
	t.Helper()
	var r results
	js, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &r); err != nil {
		t.Fatal(err)
	}
	return r
}
