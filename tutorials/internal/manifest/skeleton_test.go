package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A step whose skeleton is the mistake (Skeleton: Mistake) marks its holes
// with a TODO comment and needs no "not implemented yet" in its hints; any
// other value of Skeleton is refused.
func TestMistakeSkeleton(t *testing.T) {
	dir := t.TempDir()
	step := Step{ID: "10", Dir: "10-x", Title: "x", Tier: Core, Status: Written, Exercise: &Exercise{
		Package: "x", Skeleton: Mistake, Hints: 3, MustFail: []string{"TestX"},
		Holes: []Hole{{Name: "lookup", File: "exercise/x.go"}},
	}}
	files := map[string]string{
		"README.md":     "## Goal\n## Builds on\n## Run\n## Observe\n## Exercise\n## Check\n## Hints\n## What happened\n## Next\n",
		"hints.md":      "## lookup: h1\n\nidea\n\n## lookup: h2\n\napi\n\n## lookup: h3\n\ncode\n",
		"exercise/x.go": "package x\n\nfunc lookup() {\n\t// TODO(step10): lookup: the mistake is here\n}\n",
		"solution/x.go": "package x\n\nfunc lookup() {}\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, step.Dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if errs := step.CheckContent(dir); len(errs) != 0 {
		t.Errorf("CheckContent of a mistake skeleton = %v, want no problem", errs)
	}
	step.Exercise.Skeleton = ""
	errs := step.CheckContent(dir)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "is not implemented yet") {
		t.Errorf("CheckContent of a panicking skeleton whose hints do not quote it = %v, want that one problem", errs)
	}
	m := &Manifest{Steps: []Step{{ID: "00", Dir: "00-x", Title: "x", Tier: Core, Status: Written,
		Exercise: &Exercise{Package: "x", Skeleton: "oops", Hints: 3, MustFail: []string{"TestX"}, Holes: []Hole{{Name: "h"}}}}}}
	if err := m.validate(); err == nil || !strings.Contains(err.Error(), `skeleton "oops"`) {
		t.Errorf("validate with skeleton \"oops\" = %v, want an error naming it", err)
	}
}
