package manifest_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

func TestLoadTheTutorialsManifest(t *testing.T) {
	root, err := manifest.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Steps) != 14 {
		t.Errorf("steps.json has %d steps, want 14 (00 to 13)", len(m.Steps))
	}
	s, ok := m.Step("03")
	if !ok || s.Dir != "03-select" {
		t.Errorf(`Step("03") = %q, %v; want 03-select`, s.Dir, ok)
	}
}

func TestSlugIsGitHubs(t *testing.T) {
	for heading, want := range map[string]string{
		"Register: h1":        "register-h1",
		"Not implemented yet": "not-implemented-yet",
		"What happened":       "what-happened",
		"queueReadyFDs: h3":   "queuereadyfds-h3",
	} {
		if got := manifest.Slug(heading); got != want {
			t.Errorf("Slug(%q) = %q, want %q", heading, got, want)
		}
	}
}

func TestDiffLines(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"a\nb\nc\n", "a\nb\nc\n", 0},
		{"a\nb\nc\n", "a\nx\nc\n", 2},
		{"a\nb\nc\n", "a\nc\n", 1},
		{"", "a\nb\n", 2},
	}
	for _, tt := range tests {
		if got := manifest.DiffLines(tt.a, tt.b); got != tt.want {
			t.Errorf("DiffLines(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestHintForPrefersTheTODOsHole(t *testing.T) {
	e := &manifest.Exercise{Holes: []manifest.Hole{
		{Name: "Register", Checks: []string{"TestPoller/1-Register"}},
		{Name: "timeval", Checks: []string{"TestPoller/3-Timeout"}},
	}}
	var got []string
	for _, c := range []struct{ test, output string }{
		{"TestPoller/1-Register/DropTwice", "Register is not implemented yet"},
		{"TestPoller/1-Register/DropTwice", "Wait is not implemented yet\n  the TODO says: timeval: nil for"},
		{"TestPoller/3-Timeout/ZeroPollsAndReturns", "took 3s"},
		{"TestSomethingElse", ""},
	} {
		h, ok := e.HintFor(c.test, c.output)
		if !ok {
			got = append(got, "none")
			continue
		}
		got = append(got, h.Name)
	}
	if diff := cmp.Diff([]string{"Register", "timeval", "timeval", "none"}, got); diff != "" {
		t.Errorf("HintFor (-want +got):\n%s", diff)
	}
}
