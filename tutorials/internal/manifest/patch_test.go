package manifest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

// numbered returns the lines "1" to "n".
func numbered(n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprint(i))
	}
	return out
}

func text(lines []string) string { return strings.Join(lines, "\n") + "\n" }

// edit returns the lines with the one at index i replaced, or removed if
// with is "".
func edit(lines []string, i int, with string) []string {
	out := append([]string(nil), lines[:i]...)
	if with != "" {
		out = append(out, with)
	}
	return append(out, lines[i+1:]...)
}

func TestDiffThenApplyGivesTheEditedFile(t *testing.T) {
	base := numbered(30)
	tests := []struct {
		name   string
		edited []string
		hunks  int
	}{
		{"one line changed", edit(base, 10, "ten"), 1},
		{"first line removed", base[1:], 1},
		{"last line removed", base[:29], 1},
		{"line added at the end", append(numbered(30), "31"), 1},
		{"line added at the start", append([]string{"0"}, base...), 1},
		{"two changes close together share a hunk", edit(edit(base, 10, "ten"), 15, "fifteen"), 1},
		{"two changes far apart", edit(edit(base, 2, "three"), 25, "twenty-six"), 2},
		{"an empty line added", append(append(append([]string(nil), base[:5]...), ""), base[5:]...), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diff := manifest.Diff("solution/x.go", text(base), text(tt.edited))
			p, err := manifest.ParsePatch("the mistake\nhint: x-h1\n\n" + diff)
			if err != nil {
				t.Fatalf("ParsePatch of Diff's output: %v\n%s", err, diff)
			}
			if got := len(p.Files[0].Hunks); got != tt.hunks {
				t.Errorf("%d hunks, want %d:\n%s", got, tt.hunks, diff)
			}
			got, err := p.Apply(func(string) (string, error) { return text(base), nil })
			if err != nil {
				t.Fatalf("Apply: %v\n%s", err, diff)
			}
			if d := cmp.Diff(text(tt.edited), got["solution/x.go"]); d != "" {
				t.Errorf("Apply(Diff(a, b)) (-b +got):\n%s\nthe diff:\n%s", d, diff)
			}
		})
	}
	if diff := manifest.Diff("x.go", text(base), text(base)); diff != "" {
		t.Errorf("Diff of equal texts = %q, want \"\"", diff)
	}
}

func TestApplyRefusesAPatchThatNoLongerFits(t *testing.T) {
	base := numbered(30)
	p, err := manifest.ParsePatch("the mistake\nhint: x-h1\n\n" +
		manifest.Diff("solution/x.go", text(base), text(edit(edit(base, 2, "three"), 25, "twenty-six"))))
	if err != nil {
		t.Fatal(err)
	}
	solution := edit(base, 24, "25, edited since")
	_, err = p.Apply(func(string) (string, error) { return text(solution), nil })
	want := `solution/x.go: hunk 2 (-23,7) does not apply: line 25 is "25, edited since", the patch expects "25"`
	if err == nil || err.Error() != want {
		t.Errorf("Apply to a changed solution: %v, want %s", err, want)
	}
}

func TestParsePatchWantsAHeader(t *testing.T) {
	body := "--- a/solution/x.go\n+++ b/solution/x.go\n@@ -1,1 +1,1 @@\n-1\n+one\n"
	for _, bad := range []string{
		body, // no header
		"the mistake\n\n" + body,
		"the mistake\nhint: x-h1\n\n", // no diff
		"the mistake\nhint: x-h1\n\n" + strings.Replace(body, "+one", "one", 1),  // a line neither context nor change
		"the mistake\nhint: x-h1\n\n" + strings.Replace(body, "-1,1", "-1,2", 1), // counts disagree
	} {
		if _, err := manifest.ParsePatch(bad); err == nil {
			t.Errorf("ParsePatch(%q) = nil error, want one", bad)
		}
	}
	p, err := manifest.ParsePatch("the mistake\nhint: x-h1\n\n" + body)
	if err != nil || p.What != "the mistake" || p.Hint != "x-h1" || p.Changed() != 1 {
		t.Errorf("ParsePatch = %+v, %v; want what, hint and 1 changed line", p, err)
	}
}

func TestApplyMutantNamesTheMutantAndTheHunk(t *testing.T) {
	step := filepath.Join(t.TempDir(), "03-select")
	base := numbered(10)
	write := func(path, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(step, path)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(step, path), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("solution/x.go", text(base))
	write("testdata/mutants/m.diff", "the mistake\nhint: x-h1\n\n"+manifest.Diff("solution/x.go", text(base), text(edit(base, 4, "five"))))
	if _, files, err := manifest.ApplyMutant(step, "m"); err != nil || files["solution/x.go"] != text(edit(base, 4, "five")) {
		t.Fatalf("ApplyMutant = %q, %v; want the edited file", files, err)
	}
	write("solution/x.go", text(edit(base, 3, "4, edited since")))
	_, _, err := manifest.ApplyMutant(step, "m")
	want := `mutant m (03-select/testdata/mutants/m.diff): solution/x.go: hunk 1 (-2,7) does not apply: line 4 is "4, edited since", the patch expects "4"`
	if err == nil || err.Error() != want {
		t.Errorf("ApplyMutant after the solution changed: %v, want %s", err, want)
	}
}
