package manifest

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// The sections every step README has, in this order. A step without an
// exercise (00-setup) has no Exercise and no Hints.
var (
	readmeSections   = []string{"Goal", "Builds on", "Run", "Observe", "Exercise", "Check", "Hints", "What happened", "Next"}
	noExerciseOmits  = []string{"Exercise", "Hints"}
	hintLevels       = []string{"h1", "h2", "h3"}
	headingPattern   = regexp.MustCompile(`(?m)^(#{1,6})\s+(.+?)\s*$`)
	todoMarker       = regexp.MustCompile(`TODO\(step([0-9]{2})\)`)
	notImplementedOK = "is not implemented yet"
)

// Sections returns the titles of the "## " headings of a Markdown text,
// in order.
func Sections(markdown string) []string {
	var out []string
	for _, m := range headingPattern.FindAllStringSubmatch(markdown, -1) {
		if m[1] == "##" {
			out = append(out, m[2])
		}
	}
	return out
}

// Slug returns the anchor GitHub gives a heading: lower case, punctuation
// dropped, spaces turned to hyphens. "Register: h1" becomes "register-h1".
func Slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Anchors returns the anchors of every heading of a Markdown text, with the
// text under each heading up to the next heading of any level.
func Anchors(markdown string) map[string]string {
	out := map[string]string{}
	locs := headingPattern.FindAllStringSubmatchIndex(markdown, -1)
	for i, loc := range locs {
		end := len(markdown)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		out[Slug(markdown[loc[4]:loc[5]])] = strings.TrimSpace(markdown[loc[1]:end])
	}
	return out
}

// HintAnchor returns the anchor of hint level ("h1") of a hole.
func HintAnchor(hole, level string) string { return Slug(hole + ": " + level) }

// HintFor returns the hole whose checks cover the failing test name, or
// the hole whose TODO the failure output quotes; ok is false if none does.
func (e *Exercise) HintFor(test, output string) (Hole, bool) {
	for _, h := range e.Holes {
		if strings.Contains(output, ": "+h.Name+": ") || strings.Contains(output, "says: "+h.Name+":") {
			return h, true
		}
	}
	for _, h := range e.Holes {
		for _, prefix := range h.Checks {
			if test == prefix || strings.HasPrefix(test, prefix+"/") {
				return h, true
			}
		}
	}
	return Hole{}, false
}

// CheckContent checks a written step's files: the README has its sections
// in order; hints.md has h1 to h3, not empty, for every hole and quotes
// every mutant's message; the skeleton has a TODO(stepNN) in each hole's
// file, naming the hole; each mutant directory exists with the solution's
// files, and differs from the solution in a few lines only (one mistake).
// It returns every problem found.
func (s Step) CheckContent(root string) []error {
	dir := filepath.Join(root, s.Dir)
	if s.Status == Planned {
		if _, err := os.Stat(dir); err == nil {
			return []error{fmt.Errorf("%s: the directory exists but steps.json says planned: mark it written", s.Dir)}
		}
		return nil
	}
	var errs []error
	errs = append(errs, s.checkReadme(dir)...)
	if s.Exercise == nil {
		return errs
	}
	errs = append(errs, s.checkHints(dir)...)
	errs = append(errs, s.checkTodos(dir)...)
	errs = append(errs, s.checkMutants(dir)...)
	return errs
}

func (s Step) checkReadme(dir string) []error {
	data, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		return []error{fmt.Errorf("%s: %w", s.Dir, err)}
	}
	want := readmeSections
	if s.Exercise == nil {
		want = slices.DeleteFunc(slices.Clone(want), func(x string) bool { return slices.Contains(noExerciseOmits, x) })
	}
	got := Sections(string(data))
	var errs []error
	at := 0
	for _, w := range want {
		i := slices.IndexFunc(got[at:], func(g string) bool { return g == w || strings.HasPrefix(g, w+" ") })
		if i < 0 {
			errs = append(errs, fmt.Errorf("%s/README.md: no section %q after the previous required one (want, in order: %s)",
				s.Dir, "## "+w, strings.Join(want, " · ")))
			continue
		}
		at += i + 1
	}
	return errs
}

func (s Step) checkHints(dir string) []error {
	data, err := os.ReadFile(filepath.Join(dir, "hints.md"))
	if err != nil {
		return []error{fmt.Errorf("%s: %w", s.Dir, err)}
	}
	text := string(data)
	anchors := Anchors(text)
	var errs []error
	count := 0
	for _, h := range s.Exercise.Holes {
		for _, level := range hintLevels {
			a := HintAnchor(h.Name, level)
			body, ok := anchors[a]
			switch {
			case !ok:
				errs = append(errs, fmt.Errorf("%s/hints.md: no section %q (anchor #%s)", s.Dir, "## "+h.Name+": "+level, a))
			case body == "":
				errs = append(errs, fmt.Errorf("%s/hints.md: section #%s is empty", s.Dir, a))
			default:
				count++
			}
		}
	}
	if count != s.Exercise.Hints {
		errs = append(errs, fmt.Errorf("%s/hints.md: %d hint sections found, steps.json says %d", s.Dir, count, s.Exercise.Hints))
	}
	if s.Exercise.Skeleton != Mistake && !strings.Contains(text, notImplementedOK) {
		errs = append(errs, fmt.Errorf("%s/hints.md: does not quote %q, the message a skeleton's hole gives", s.Dir, notImplementedOK))
	}
	for _, mu := range s.Exercise.Mutants {
		if !strings.Contains(text, mu.Message) {
			errs = append(errs, fmt.Errorf("%s/hints.md: does not quote %q, what a student making mutant %q's mistake sees",
				s.Dir, mu.Message, mu.Name))
		}
	}
	return errs
}

func (s Step) checkTodos(dir string) []error {
	var errs []error
	tag := "TODO(step" + s.ID + ")"
	files := map[string]string{}
	for _, h := range s.Exercise.Holes {
		if _, ok := files[h.File]; !ok {
			data, err := os.ReadFile(filepath.Join(dir, h.File))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: hole %s: %w", s.Dir, h.Name, err))
				continue
			}
			files[h.File] = string(data)
		}
		if !strings.Contains(files[h.File], tag+": "+h.Name+":") {
			marker := fmt.Sprintf("panic(%q)", tag+": "+h.Name+": ...")
			if s.Exercise.Skeleton == Mistake {
				marker = fmt.Sprintf("comment %q", "// "+tag+": "+h.Name+": ...")
			}
			errs = append(errs, fmt.Errorf("%s/%s: no %s for hole %s", s.Dir, h.File, marker, h.Name))
		}
	}
	// Every TODO of the skeleton is this step's: a TODO(step02) left in
	// step 03 would point the student at the wrong hints.
	err := filepath.WalkDir(filepath.Join(dir, "exercise"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range todoMarker.FindAllStringSubmatch(string(data), -1) {
			if m[1] != s.ID {
				errs = append(errs, fmt.Errorf("%s: %s has %s, want %s", s.Dir, path, m[0], tag))
			}
		}
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	return errs
}

// maxMutantLines is how many lines a mutant may differ from the solution
// by: enough for one mistake and its comment, not a rewrite.
const maxMutantLines = 16

func (s Step) checkMutants(dir string) []error {
	var errs []error
	solution, err := goFiles(filepath.Join(dir, "solution"))
	if err != nil {
		return []error{fmt.Errorf("%s: %w", s.Dir, err)}
	}
	for _, mu := range s.Exercise.Mutants {
		mdir := filepath.Join(dir, "testdata", "mutants", mu.Name)
		files, err := goFiles(mdir)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: mutant %s: %w", s.Dir, mu.Name, err))
			continue
		}
		if !slices.Equal(sortedKeys(files), sortedKeys(solution)) {
			errs = append(errs, fmt.Errorf("%s: mutant %s has files %v, want the solution's %v",
				s.Dir, mu.Name, sortedKeys(files), sortedKeys(solution)))
			continue
		}
		changed := 0
		for name, text := range files {
			changed += DiffLines(solution[name], text)
		}
		switch {
		case changed == 0:
			errs = append(errs, fmt.Errorf("%s: mutant %s is the solution, unchanged", s.Dir, mu.Name))
		case changed > maxMutantLines:
			errs = append(errs, fmt.Errorf("%s: mutant %s differs from the solution in %d lines, want at most %d: one mistake per mutant",
				s.Dir, mu.Name, changed, maxMutantLines))
		}
	}
	return errs
}

// goFiles reads the .go files of a directory (not its subdirectories).
func goFiles(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out[e.Name()] = string(data)
	}
	if len(out) == 0 {
		return nil, errors.New("no .go files in " + dir)
	}
	return out, nil
}

func sortedKeys(m map[string]string) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// DiffLines returns how many lines must be deleted or inserted to turn a
// into b (a longest-common-subsequence diff). The files are small: the
// quadratic table costs nothing.
func DiffLines(a, b string) int {
	x, y := lines(a), lines(b)
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			if x[i-1] == y[j-1] {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	common := prev[len(y)]
	return len(x) + len(y) - 2*common
}

func lines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
