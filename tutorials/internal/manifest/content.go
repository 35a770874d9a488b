package manifest

import (
	"bufio"
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
	for _, sec := range sections(markdown) {
		out[sec.anchor] = strings.TrimSpace(sec.body)
	}
	return out
}

// HintAnchor returns the anchor of hint level ("h1") of a hole.
func HintAnchor(hole, level string) string { return Slug(hole + ": " + level) }

// HintFor returns the anchor of the section of hints.md (its text is
// hints) to read for a failed check, test, that printed output: the first
// hint of the hole whose TODO the output quotes; else the section that
// quotes the check's message, so that a mistake leads to the hole that is
// wrong rather than to the first hole the check exercises; else the first
// hint of the hole whose checks cover the test. ok is false if none does.
func (e *Exercise) HintFor(hints, test, output string) (anchor string, ok bool) {
	for _, h := range e.Holes {
		if strings.Contains(output, ": "+h.Name+": ") || strings.Contains(output, "says: "+h.Name+":") {
			return HintAnchor(h.Name, "h1"), true
		}
	}
	if a := e.quotingSection(hints, output); a != "" {
		return a, true
	}
	for _, h := range e.Holes {
		for _, prefix := range h.Checks {
			if test == prefix || strings.HasPrefix(test, prefix+"/") {
				return HintAnchor(h.Name, "h1"), true
			}
		}
	}
	return "", false
}

// quotingSection returns the anchor of the section of hints that quotes
// the most specific (longest) piece of output: a mutant's message, or the
// text of a quoted message (> `...`) between the numbers and ellipses
// that change from run to run. "" if no section does.
func (e *Exercise) quotingSection(hints, output string) string {
	best, bestLen := "", 0
	for _, sec := range sections(hints) {
		var keys []string
		for _, mu := range e.Mutants {
			if strings.Contains(sec.body, mu.Message) {
				keys = append(keys, mu.Message)
			}
		}
		for _, q := range quotePattern.FindAllStringSubmatch(sec.body, -1) {
			for _, piece := range varyingPattern.Split(q[1], -1) {
				if piece = strings.TrimSpace(piece); len(piece) >= minQuoteKey {
					keys = append(keys, piece)
				}
			}
		}
		for _, k := range keys {
			if len(k) > bestLen && strings.Contains(output, k) {
				best, bestLen = sec.anchor, len(k)
			}
		}
	}
	return best
}

var (
	quotePattern   = regexp.MustCompile("(?m)^\\s*> `([^`]+)`")
	varyingPattern = regexp.MustCompile(`[0-9]+|…|\.\.\.`)
)

// minQuoteKey is the shortest piece of a quoted message that routes a
// failure: shorter ones ("Wait(", "ms) = ") appear in too many messages.
const minQuoteKey = 20

type section struct{ anchor, body string }

// sections returns the sections of a Markdown text in order, as Anchors
// finds them.
func sections(markdown string) []section {
	var out []section
	locs := headingPattern.FindAllStringSubmatchIndex(markdown, -1)
	for i, loc := range locs {
		end := len(markdown)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		out = append(out, section{Slug(markdown[loc[4]:loc[5]]), markdown[loc[1]:end]})
	}
	return out
}

// CheckContent checks a written step's files: the README has its sections
// in order; hints.md has h1 to h3, not empty, for every hole and quotes
// every mutant's message; the skeleton has a TODO(stepNN) in each hole's
// file, naming the hole; each mutant's patch applies to the solution and
// changes a few lines only (one mistake).
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

// checkMutants checks that each mutant's patch applies to the solution as
// it is now, changes a few lines only (one mistake), and names a hint that
// exists; and that testdata/mutants holds nothing else.
func (s Step) checkMutants(dir string) []error {
	var errs []error
	anchors := map[string]string{}
	if data, err := os.ReadFile(filepath.Join(dir, "hints.md")); err == nil {
		anchors = Anchors(string(data))
	}
	want := map[string]bool{}
	for _, mu := range s.Exercise.Mutants {
		want[mu.Name+".diff"] = true
		p, _, err := ApplyMutant(dir, mu.Name)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", s.Dir, err))
		case p.Changed() > maxMutantLines:
			errs = append(errs, fmt.Errorf("%s: mutant %s changes %d lines of the solution, want at most %d: one mistake per mutant",
				s.Dir, mu.Name, p.Changed(), maxMutantLines))
		case anchors[p.Hint] == "":
			errs = append(errs, fmt.Errorf("%s: mutant %s: its patch's hint, #%s, is no section of hints.md", s.Dir, mu.Name, p.Hint))
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "testdata", "mutants"))
	for _, e := range entries {
		if !want[e.Name()] {
			errs = append(errs, fmt.Errorf("%s: testdata/mutants/%s is no mutant of steps.json", s.Dir, e.Name()))
		}
	}
	return errs
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
