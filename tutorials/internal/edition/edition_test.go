package main

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const registry = `package main

import (
	exercise "example.com/m/tutorials/11-busy-cpu/exercise"
	solution "example.com/m/tutorials/11-busy-cpu/solution"
)

// impls are the servers this step can run.
var impls = map[string]func() int{
	"exercise": exercise.New,
	"solution": solution.New, // the reference
}

// modeName names a mode.
func modeName(mode int) string { return solution.Mode(mode).String() }
`

const registryWithoutReference = `package main

import (
	exercise "example.com/m/tutorials/11-busy-cpu/exercise"
)

// impls are the servers this step can run.
var impls = map[string]func() int{
	"exercise": exercise.New,
}

// modeName names a mode.
func modeName(mode int) string { return exercise.Mode(mode).String() }
`

func TestWithoutReference(t *testing.T) {
	for _, tc := range []struct {
		name, src, want, wantErr string
	}{
		{name: "the entry and the import go, other names come from the exercise", src: registry, want: registryWithoutReference},
		{name: "a file without the reference stays as it is", src: registryWithoutReference, want: registryWithoutReference},
		{name: "no exercise to take the names from",
			src:     strings.Replace(registry, "\texercise \"example.com/m/tutorials/11-busy-cpu/exercise\"\n", "", 1),
			wantErr: "imports its step's reference but not its exercise"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := withoutReference("impls.go", []byte(tc.src), "example.com/m/tutorials/11-busy-cpu")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("withoutReference = %v, want an error saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("withoutReference (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlanLeavesOutTheAnswers(t *testing.T) {
	files := tree{}
	for name, text := range map[string]string{
		"go.mod":                                 "module example.com/m\n",
		"loop/loop.go":                           "package loop\n",
		"tutorials/01-blocking/solution/echo.go": "package blocking\n",
		"tutorials/01-blocking/smoke_test.go":    "package main\n",
		"tutorials/02-threads/main.go":           "package main\n\nimport blocking \"example.com/m/tutorials/01-blocking/solution\"\n",
		"tutorials/03-select/impls.go": "package main\n\nimport (\n\texercise \"example.com/m/tutorials/03-select/exercise\"\n" +
			"\tsolution \"example.com/m/tutorials/03-select/solution\"\n)\n\nvar impls = map[string]int{\"exercise\": exercise.N, \"solution\": solution.N}\n",
		"tutorials/03-select/solution/poller.go":                 "package selectpoll\n",
		"tutorials/03-select/smoke_test.go":                      "package main\n",
		"tutorials/03-select/testdata/mutants/always-ready.diff": "--- a\n",
		"tutorials/00-setup/smoke_test.go":                       "package main\n",
	} {
		files[name] = file{[]byte(text), 0o644}
	}
	e, err := plan(files)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range e.copied {
		got[f] = "copied"
	}
	for f := range e.rewritten {
		got[f] = "rewritten"
	}
	for _, left := range e.left {
		for _, f := range left {
			got[f] = "left out"
		}
	}
	want := map[string]string{
		"go.mod":                                                 "copied",
		"loop/loop.go":                                           "copied",
		"tutorials/01-blocking/solution/echo.go":                 "copied", // step 02 is built on it
		"tutorials/01-blocking/smoke_test.go":                    "copied",
		"tutorials/02-threads/main.go":                           "copied",
		"tutorials/03-select/impls.go":                           "rewritten",
		"tutorials/03-select/solution/poller.go":                 "left out",
		"tutorials/03-select/smoke_test.go":                      "left out",
		"tutorials/03-select/testdata/mutants/always-ready.diff": "left out",
		"tutorials/00-setup/smoke_test.go":                       "copied", // no reference to leave out
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("what the edition does with each file (-want +got):\n%s", diff)
	}
}

// TestStudentEdition writes the student edition of this repository and
// works in it as a student would: it builds and vets, has no answers but
// the one step 02 is built on, make check (stepcheck check) reports an
// unfinished exercise as unfinished, not as a build failure, and -ref
// says there is no reference, until the teacher releases it. It compiles
// the kit afresh in a new directory: a minute on a slow machine.
func TestStudentEdition(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the edition compiles the whole kit again")
	}
	if err := exec.Command("git", "rev-parse", "--git-dir").Run(); err != nil {
		t.Skipf("the edition is made from a git clone, and this is not one (%v)", err)
	}
	if _, err := os.Stat("../../03-select/solution"); err != nil {
		t.Skip("this is a student edition already: step 03's reference is not here to leave out")
	}
	dir := filepath.Join(t.TempDir(), "student")
	var report strings.Builder
	if err := run(dir, &report); err != nil {
		t.Fatal(err)
	}
	t.Log(report.String())

	if diff := cmp.Diff([]string{"tutorials/01-blocking/solution"}, answers(t, dir)); diff != "" {
		t.Errorf("solution/ and testdata/mutants/ directories in the edition (-want +got):\n%s", diff)
	}
	goCmd(t, dir, 0, "build", "./...")
	goCmd(t, dir, 0, "vet", "./tutorials/...")
	out := goCmd(t, dir, 1, "run", "./tutorials/internal/stepcheck", "check", "-race=false", "03")
	for _, want := range []string{"Register is not implemented yet", "hint: tutorials/03-select/hints.md#register-h1"} {
		if !strings.Contains(out, want) {
			t.Errorf("make check S=03 in the edition does not say %q:\n%s", want, out)
		}
	}
	out = goCmd(t, dir, 1, "run", "./tutorials/03-select", "-ref")
	if want := "the reference of step 03 is not in this edition"; !strings.Contains(out, want) {
		t.Errorf("go run ./tutorials/03-select -ref in the edition does not say %q:\n%s", want, out)
	}

	// The end of block B: the teacher releases step 03's reference.
	if err := releaseStep("03", dir, &report); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"tutorials/01-blocking/solution", "tutorials/03-select/solution"}, answers(t, dir)); diff != "" {
		t.Errorf("solution/ and testdata/mutants/ directories after releasing step 03 (-want +got):\n%s", diff)
	}
	goCmd(t, dir, 0, "run", "./tutorials/03-select", "-ref", "-demo", "-addr", "127.0.0.1:0", "-clients", "2")
}

// answers lists the directories of dir named solution or mutants.
func answers(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && (d.Name() == "solution" || d.Name() == "mutants") {
			rel, _ := filepath.Rel(dir, path)
			found = append(found, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// goCmd runs the go command in dir, within two minutes, and fails the test
// unless it exits with code want. It returns what the command printed.
func goCmd(t *testing.T, dir string, want int, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LOOPKIT_IMPL=", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState == nil {
		t.Fatalf("go %s: %v", strings.Join(args, " "), err)
	}
	if got := cmd.ProcessState.ExitCode(); got != want {
		t.Fatalf("go %s in the edition: exit code %d, want %d\n%s", strings.Join(args, " "), got, want, out)
	}
	return string(out)
}
