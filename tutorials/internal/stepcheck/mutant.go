package main

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

// A mutant is stored as the patch it is (manifest.Patch). These two
// commands are how a contributor edits one: mutant writes the solution
// with the patch applied to a directory, where it can be edited (and
// checked: see README), and mutant-diff turns that directory back into
// the patch.

// mutant writes the step's solution, with mutant name's patch applied,
// into dir: every .go file of solution/.
func (tu *tutorial) mutant(step, name, dir string) error {
	s, err := tu.step(step)
	if err != nil {
		return err
	}
	stepDir := filepath.Join(tu.root, s.Dir)
	_, patched, err := manifest.ApplyMutant(stepDir, name)
	if err != nil {
		return err
	}
	solution, err := solutionFiles(stepDir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for path, text := range solution {
		if p, ok := patched[path]; ok {
			text = p
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(path)), []byte(text), 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(tu.out, "wrote the solution of %s with mutant %s to %s\n", s.Dir, name, dir)
	return nil
}

// mutantDiff stores dir, an edited copy of the step's solution, as the
// patch of mutant name, keeping the header of the patch it replaces. A
// new mutant gets a header to fill in, which the content check refuses
// until it is.
func (tu *tutorial) mutantDiff(step, name, dir string) error {
	s, err := tu.step(step)
	if err != nil {
		return err
	}
	stepDir := filepath.Join(tu.root, s.Dir)
	path := manifest.MutantPath(stepDir, name)
	header := "say here, in one line, the mistake this mutant plants\nhint: the anchor in hints.md it must lead to\n"
	if old, err := manifest.ReadPatch(path); err == nil {
		header = old.What + "\nhint: " + old.Hint + "\n"
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	solution, err := solutionFiles(stepDir)
	if err != nil {
		return err
	}
	var diff strings.Builder
	for _, p := range slices.Sorted(maps.Keys(solution)) {
		edited, err := os.ReadFile(filepath.Join(dir, filepath.Base(p)))
		if err != nil {
			return fmt.Errorf("%w (a mutant has the solution's files, and no others)", err)
		}
		diff.WriteString(manifest.Diff(p, solution[p], string(edited)))
	}
	if diff.Len() == 0 {
		return fmt.Errorf("%s is the solution, unchanged: no mistake to store", dir)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, []byte(header+"\n"+diff.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(tu.out, "wrote %s\n", path)
	return nil
}

// solutionFiles reads the .go files of a step's solution/, by their path
// in the step ("solution/poller.go").
func solutionFiles(stepDir string) (map[string]string, error) {
	names, err := filepath.Glob(filepath.Join(stepDir, "solution", "*.go"))
	if err != nil || len(names) == 0 {
		return nil, fmt.Errorf("no .go files in %s/solution (%v)", stepDir, err)
	}
	out := map[string]string{}
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out["solution/"+filepath.Base(n)] = string(data)
	}
	return out, nil
}
