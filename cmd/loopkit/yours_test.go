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
	needReference(t)
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

// TestCompareYoursWhenYoursIsBroken: a half-written poller, one that does
// not compile or one that fails looptest.TestPoller, is put in place with
// go build's -overlay (which compare's go build, and the step's go test,
// read from GOFLAGS). Either is one failure of the run, with the
// compiler's or the suite's message, never a hang; the kit's servers are
// measured as usual.
func TestCompareYoursWhenYoursIsBroken(t *testing.T) {
	tests := []struct {
		name, file, source, impl, want string
	}{
		{"does not compile", "exercise/poller.go", "package selectpoll\n\nfunc New() { half written\n", "exercise",
			"FAILED: yours, the poller of tutorial step 03: go build ./tutorials/03-select"},
		{"fails the suite", "solution/poller.go", alwaysReady, "solution",
			"your poller does not pass TestPoller yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.impl == "solution" {
				needReference(t)
			}
			overlayStep03(t, tt.file, tt.source)
			t.Setenv("LOOPKIT_IMPL", tt.impl)
			dir := t.TempDir()
			var stdout, stderr bytes.Buffer
			status := cli([]string{"compare", "--yours", "--out", dir, "--styles", "goroutines", "--backends", "select",
				"--conns", "1", "--idle", "1", "--rounds", "1", "--warmup", "20ms", "--window", "50ms", "--chat-users", "5"}, &stdout, &stderr)
			if status != 1 {
				t.Errorf("compare --yours: status %d, want 1", status)
			}
			if !strings.Contains(stdout.String(), tt.want) {
				t.Errorf("compare --yours printed no %q:\n%s", tt.want, stdout.String())
			}
			r := readResults(t, dir)
			if len(r.Echo) != 1 || r.Echo[0].Style != "goroutines" || r.Echo[0].RoundTrips == 0 {
				t.Errorf("the kit's echo was not measured beside the failure: %+v", r.Echo)
			}
		})
	}
}

// alwaysReady is a poller that reports every fd it watches ready, whether
// it is or not: it fails looptest.TestPoller at its second stage.
const alwaysReady = `package selectpoll

import (
	"time"

	"github.com/loopkit/loopkit/loop"
)

type poller map[int]loop.Events

func New() (loop.Poller, error) { return poller{}, nil }

func (p poller) Register(fd int, ev loop.Events) error {
	if ev == 0 {
		delete(p, fd)
	} else {
		p[fd] = ev
	}
	return nil
}

func (p poller) Wait(timeout time.Duration, ready []loop.Event) (int, error) {
	n := 0
	for fd, ev := range p {
		if n < len(ready) {
			ready[n] = loop.Event{FD: fd, Events: ev}
			n++
		}
	}
	return n, nil
}

func (p poller) Close() error { return nil }
`

// overlayStep03 has every go command the test starts build step 03 with
// source in place of file ("solution/poller.go").
func overlayStep03(t *testing.T, file, source string) {
	t.Helper()
	replaced := filepath.Join(t.TempDir(), filepath.Base(file))
	if err := os.WriteFile(replaced, []byte(source), 0o644); err != nil {
		t.Fatal(err)
	}
	path, err := filepath.Abs(filepath.Join("../../tutorials/03-select", file))
	if err != nil {
		t.Fatal(err)
	}
	overlay := filepath.Join(t.TempDir(), "overlay.json")
	js, _ := json.Marshal(map[string]any{"Replace": map[string]string{path: replaced}})
	if err := os.WriteFile(overlay, js, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOFLAGS", "-overlay="+overlay)
}

// needReference skips a test that needs step 03's reference where it is
// not: in the student edition.
func needReference(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("../../tutorials/03-select/solution"); err != nil {
		t.Skip("no reference of step 03 here (the student edition)")
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
