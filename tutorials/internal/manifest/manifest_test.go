package manifest_test

import (
	"path/filepath"
	"testing"

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
	// One step per directory NN-name: a step added without its entry, or
	// an entry lost in loading, shows here (no count to bump per step).
	dirs, err := filepath.Glob(filepath.Join(root, "[0-9][0-9]-*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Steps) != len(dirs) || len(m.Steps) < 14 {
		t.Errorf("steps.json has %d steps, want one per step directory (%d), and at least 14 (00 to 13)", len(m.Steps), len(dirs))
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

func TestHintForSendsToTheHoleThatIsWrong(t *testing.T) {
	e := &manifest.Exercise{
		Holes: []manifest.Hole{
			{Name: "Register", Checks: []string{"TestPoller/1-Register", "TestPoller/2-Readiness"}},
			{Name: "timeval", Checks: []string{"TestPoller/3-Timeout"}},
			{Name: "collect"},
		},
		Mutants: []manifest.Mutant{{Name: "always-ready", Message: "want no events: nothing was written"}},
	}
	const hints = "## Register: h1\n\n> `Wait(0) reported fd 7, which is not registered (never, or dropped)`\n\n" +
		"## collect: h1\n\n> `Wait(0) = [{FD:7}], want no events: nothing was written to the pipe`\n\n" +
		"## If the check says it is not yours\n\nIf it says `that is not yours`, ...\n"
	tests := []struct{ name, test, output, want string }{
		{"a TODO names its hole", "TestPoller/1-Register/DropTwice", "Register is not implemented yet", "register-h1"},
		{"a helper's TODO names the helper", "TestPoller/1-Register/DropTwice", "Wait is not implemented yet\n  the TODO says: timeval: nil for", "timeval-h1"},
		{"a mutant's message leads where hints.md quotes it", "TestPoller/2-Readiness/NotReadableWhenEmpty",
			"Wait(0) = [{FD:9}], want no events: nothing was written to the pipe", "collect-h1"},
		{"a quoted message, numbers aside", "TestPoller/5-Removal/DroppedFdNotReported",
			"Wait(0) reported fd 12, which is not registered (never, or dropped)", "register-h1"},
		{"else the hole whose checks cover the test", "TestPoller/3-Timeout/ZeroPollsAndReturns", "took 3s", "timeval-h1"},
		{"else nothing", "TestSomethingElse", "", ""},
	}
	for _, tt := range tests {
		got, ok := e.HintFor(hints, tt.test, tt.output)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("%s: HintFor(%s) = %q, %v; want %q", tt.name, tt.test, got, ok, tt.want)
		}
	}
}
