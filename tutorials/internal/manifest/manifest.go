// Package manifest reads tutorials/steps.json, the list of the tutorial's
// steps, and the files each step must have: the README's sections, the
// hints of each hole, the TODO markers of the skeleton. The CI program
// (tutorials/internal/stepcheck) and the documentation test
// (tutorials/docs_test.go) both read the steps through it, so the two can
// never disagree about what a step is.
//
// steps.json plays the part of rustlings' info.toml and exercism's
// config.json: it says, for each step, what must fail on the skeleton and
// which known-wrong version (mutant) each check must catch. A mutant is
// stored as the patch it is, against the solution (patch.go), and its
// header names the hint a student who makes its mistake is sent to: the
// section of hints.md that quotes the check's message (HintFor).
package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// A Manifest is the parsed steps.json.
type Manifest struct {
	Steps []Step `json:"steps"`
}

// A Step is one directory of tutorials/.
type Step struct {
	ID     string `json:"id"`     // "03"
	Dir    string `json:"dir"`    // "03-select"
	Title  string `json:"title"`  // "A poller over select(2)"
	Tier   string `json:"tier"`   // Core, Guided or SelfPaced
	Status string `json:"status"` // Written or Planned

	// Minutes in the workshop: talking and showing, then hands-on. A step
	// done after the workshop has its time in AfterMinutes.
	TeachMinutes    int `json:"teach_minutes"`
	ExerciseMinutes int `json:"exercise_minutes"`
	AfterMinutes    int `json:"after_minutes"`

	// Exercise is nil for a step with nothing to write (00-setup).
	Exercise *Exercise `json:"exercise"`
}

// An Exercise is what the student writes in a step's exercise/ directory,
// and how CI proves the step's checks both ways.
type Exercise struct {
	Package string `json:"package"` // the Go package name of exercise/ and solution/
	Holes   []Hole `json:"holes"`
	// MustFail lists the tests (full names, subtests with /) that must
	// fail on the untouched skeleton, each run on its own.
	MustFail []string `json:"must_fail"`
	Mutants  []Mutant `json:"mutants"`
	// Hints is the number of hint sections hints.md has: three per hole.
	Hints int `json:"hints"`
	// Skeleton says what the untouched exercise/ is. Empty (the default):
	// each hole panics with its TODO. Mistake: the skeleton runs, and
	// makes the very mistake the step is about (the pitfall steps: a
	// blocking call in a callback, a deadlock); its checks fail with the
	// message of the kit's detector, and each hole is marked by a
	// "TODO(stepNN): Name: ..." comment instead of a panic.
	Skeleton string `json:"skeleton,omitempty"`
}

// Mistake is the Skeleton of a step whose skeleton makes the step's
// mistake rather than panic.
const Mistake = "mistake"

// A Hole is one function of the skeleton the student fills in. Its name
// appears in the skeleton's panic ("TODO(step03): Register: ..."), and
// hints.md has "## Register: h1" to "## Register: h3" for it.
type Hole struct {
	Name string `json:"name"`
	File string `json:"file"` // relative to the step directory
	// Checks are test-name prefixes that exercise this hole: a failure of
	// one of them points the student at this hole's hints.
	Checks []string `json:"checks"`
}

// A Mutant is a known-wrong version of the solution, stored as a patch
// (testdata/mutants/NAME.diff, whose header says what mistake it plants:
// see Patch), and the test that must catch it.
type Mutant struct {
	Name string `json:"name"`
	Test string `json:"test"`
	// Message is text the failing test must print. hints.md quotes it, so
	// a student who makes this mistake finds the hint by its words.
	Message string `json:"message"`
}

// The tiers and states of a step.
const (
	Core      = "core"       // in the three-hour workshop
	Guided    = "guided"     // partly in the workshop
	SelfPaced = "self-paced" // after it
	Written   = "written"    // the directory exists and CI checks it
	Planned   = "planned"    // designed, not written yet
)

// Load reads and validates steps.json in the tutorials directory root.
func Load(root string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(root, "steps.json"))
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("steps.json: %w", err)
	}
	if err := m.validate(); err != nil {
		return nil, fmt.Errorf("steps.json: %w", err)
	}
	return &m, nil
}

// Step returns the step whose id ("03") or directory ("03-select") is name.
func (m *Manifest) Step(name string) (Step, bool) {
	for _, s := range m.Steps {
		if s.ID == name || s.Dir == name || s.Dir == strings.TrimSuffix(name, "/") {
			return s, true
		}
	}
	return Step{}, false
}

// Written returns the steps whose directories exist.
func (m *Manifest) Written() []Step {
	var out []Step
	for _, s := range m.Steps {
		if s.Status == Written {
			out = append(out, s)
		}
	}
	return out
}

var (
	idPattern   = regexp.MustCompile(`^[0-9]{2}$`)
	dirPattern  = regexp.MustCompile(`^[0-9]{2}-[a-z0-9-]+$`)
	testPattern = regexp.MustCompile(`^Test[A-Za-z0-9_]*(/[^/\s]+)*$`)
	namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
)

// validate checks what a reader of the manifest relies on: ids in order,
// directories named for them, known tiers, and for each written exercise
// holes, hints and mutants that make sense.
func (m *Manifest) validate() error {
	var errs []error
	for i, s := range m.Steps {
		where := fmt.Sprintf("step %d (%q)", i, s.ID)
		if want := fmt.Sprintf("%02d", i); s.ID != want || !idPattern.MatchString(s.ID) {
			errs = append(errs, fmt.Errorf("%s: id %q, want %q (steps in order from 00)", where, s.ID, want))
		}
		if !dirPattern.MatchString(s.Dir) || !strings.HasPrefix(s.Dir, s.ID+"-") {
			errs = append(errs, fmt.Errorf("%s: dir %q, want %s-name", where, s.Dir, s.ID))
		}
		if s.Title == "" {
			errs = append(errs, fmt.Errorf("%s: no title", where))
		}
		switch s.Tier {
		case Core, Guided, SelfPaced:
		default:
			errs = append(errs, fmt.Errorf("%s: tier %q, want core, guided or self-paced", where, s.Tier))
		}
		switch s.Status {
		case Written, Planned:
		default:
			errs = append(errs, fmt.Errorf("%s: status %q, want written or planned", where, s.Status))
		}
		if s.TeachMinutes < 0 || s.ExerciseMinutes < 0 || s.AfterMinutes < 0 {
			errs = append(errs, fmt.Errorf("%s: negative minutes", where))
		}
		if s.Tier == SelfPaced && s.ExerciseMinutes != 0 {
			errs = append(errs, fmt.Errorf("%s: a self-paced step has no exercise minutes in the workshop; put them in after_minutes", where))
		}
		if s.Exercise != nil {
			errs = append(errs, s.Exercise.validate(where, s.Status == Written)...)
		}
	}
	return errors.Join(errs...)
}

func (e *Exercise) validate(where string, written bool) []error {
	var errs []error
	for _, name := range e.MustFail {
		if !testPattern.MatchString(name) {
			errs = append(errs, fmt.Errorf("%s: must_fail %q is not a test name", where, name))
		}
	}
	seen := map[string]bool{}
	for _, mu := range e.Mutants {
		switch {
		case !namePattern.MatchString(mu.Name):
			errs = append(errs, fmt.Errorf("%s: mutant name %q: want lower-case words with hyphens", where, mu.Name))
		case seen[mu.Name]:
			errs = append(errs, fmt.Errorf("%s: mutant %q twice", where, mu.Name))
		case !testPattern.MatchString(mu.Test):
			errs = append(errs, fmt.Errorf("%s: mutant %q: test %q is not a test name", where, mu.Name, mu.Test))
		}
		seen[mu.Name] = true
	}
	if !written {
		return errs
	}
	if e.Package == "" || len(e.Holes) == 0 || len(e.MustFail) == 0 {
		errs = append(errs, fmt.Errorf("%s: a written exercise needs a package, holes and must_fail tests", where))
	}
	if e.Skeleton != "" && e.Skeleton != Mistake {
		errs = append(errs, fmt.Errorf("%s: skeleton %q, want %q or none", where, e.Skeleton, Mistake))
	}
	if e.Hints != 3*len(e.Holes) {
		errs = append(errs, fmt.Errorf("%s: hints = %d, want 3 per hole (%d holes)", where, e.Hints, len(e.Holes)))
	}
	for _, mu := range e.Mutants {
		if mu.Message == "" {
			errs = append(errs, fmt.Errorf("%s: mutant %q: no message (the text its test prints, quoted in hints.md)", where, mu.Name))
		}
	}
	return errs
}

// FindRoot returns the tutorials directory: dir itself if it holds
// steps.json, else the tutorials directory of the module that holds dir.
func FindRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "steps.json")); err == nil {
			return d, nil
		}
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, "tutorials"), nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no tutorials directory above %s: run from inside the loopkit repository", dir)
		}
	}
}
