package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

// TestPassedSaysTheCommandThatServesYourCode: after step 03 or 04 passes,
// check prints the command that serves the chat on the student's code;
// that command's step exists and has -serve.
func TestPassedSaysTheCommandThatServesYourCode(t *testing.T) {
	for id, dir := range map[string]string{"03": "03-select", "04": "04-loop"} {
		var out strings.Builder
		tu := &tutorial{out: &out}
		tu.passed(manifest.Step{ID: id, Dir: dir}, 12)
		want := "go run ./tutorials/" + dir + " -serve chat\n"
		if !strings.Contains(out.String(), want) {
			t.Errorf("check of step %s printed\n%s\nwant the command %q", id, out.String(), want)
		}
		main, err := os.ReadFile(filepath.Join("..", "..", dir, "main.go"))
		if err != nil || !strings.Contains(string(main), "AddServe(") {
			t.Errorf("tutorials/%s/main.go: %v; want a program with -serve (step.Program.AddServe)", dir, err)
		}
	}
	var out strings.Builder
	(&tutorial{out: &out}).passed(manifest.Step{ID: "05", Dir: "05-callbacks"}, 3)
	if diff := cmp.Diff("05-callbacks: all 3 checks passed. Compare with tutorials/05-callbacks/solution/\n", out.String()); diff != "" {
		t.Errorf("check of step 05 printed (-want +got):\n%s", diff)
	}
}
