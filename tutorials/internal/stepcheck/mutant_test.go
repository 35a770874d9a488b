package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

// TestMutantEditRoundTrip does what tutorials/README.md tells a
// contributor to do, on a copy of step 03: write a mutant out, edit it,
// store it back. The stored patch must keep its header and carry the edit.
func TestMutantEditRoundTrip(t *testing.T) {
	repo, err := manifest.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Load(repo)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, path := range []string{"03-select/solution/poller.go", "03-select/testdata/mutants/always-ready.diff"} {
		copyFile(t, filepath.Join(repo, path), filepath.Join(root, path))
	}
	tu := &tutorial{m: m, root: root, out: io.Discard}
	dir := t.TempDir()
	if err := tu.mutant("03", "always-ready", dir); err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(dir, "poller.go")
	data, err := os.ReadFile(edited)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "// the mistake:", "// the mistake, edited:", 1)
	if text == string(data) {
		t.Fatal("the mutant written out does not carry the mistake's comment")
	}
	if err := os.WriteFile(edited, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := tu.mutantDiff("03", "always-ready", dir); err != nil {
		t.Fatal(err)
	}
	p, files, err := manifest.ApplyMutant(filepath.Join(root, "03-select"), "always-ready")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(text, files["solution/poller.go"]); diff != "" {
		t.Errorf("the stored patch, applied (-edited +got):\n%s", diff)
	}
	if p.What == "" || p.Hint != "collect-h1" {
		t.Errorf("the stored patch's header: %q, hint %q; want the old one kept", p.What, p.Hint)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
