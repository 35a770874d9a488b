package manifest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A Patch is a mutant as it is stored, testdata/mutants/NAME.diff: a
// unified diff against the step's solution, under a two-line header that
// says what mistake it plants and which hint a student who makes that
// mistake must be sent to:
//
//	collect reports what was registered, not what select found
//	hint: collect-h1
//
//	--- a/solution/poller.go
//	+++ b/solution/poller.go
//	@@ -140,7 +140,7 @@
//	...
//
// The paths are relative to the step's directory, so `git apply` and
// `patch -p1` read it too. A copy of the whole solution per mutant would
// be a page of code to read for each line that matters, and would drift
// from the solution unseen; a patch that no longer applies says so. It is
// applied here, not by git apply: stepcheck needs nothing but Go (a
// downloaded archive of the repository has no git), and its error names
// the mutant and the hunk.
type Patch struct {
	What  string // the mistake, in a sentence
	Hint  string // the anchor in hints.md a failure must point at: "collect-h1"
	Files []FilePatch
}

// A FilePatch is the part of a patch that changes one file.
type FilePatch struct {
	Path  string // "solution/poller.go"
	Hunks []Hunk
}

// A Hunk is one "@@ -a,b +c,d @@" block. Its lines keep their first
// character: ' ' context, '-' removed, '+' added.
type Hunk struct {
	OldStart, OldLines, NewStart, NewLines int
	Lines                                  []string
}

// MutantPath returns where a step's mutant is stored.
func MutantPath(stepDir, name string) string {
	return filepath.Join(stepDir, "testdata", "mutants", name+".diff")
}

// ApplyMutant reads the patch of the step's mutant name and applies it to
// the solution. It returns the patch and the files it changes, by their
// path in the step ("solution/poller.go"). A patch that no longer applies
// is an error naming the mutant, the file and the hunk.
func ApplyMutant(stepDir, name string) (*Patch, map[string]string, error) {
	p, err := ReadPatch(MutantPath(stepDir, name))
	if err != nil {
		return nil, nil, fmt.Errorf("mutant %s: %w", name, err)
	}
	files, err := p.Apply(func(path string) (string, error) {
		if !strings.HasPrefix(path, "solution/") || strings.Contains(path, "..") {
			return "", fmt.Errorf("%s: a mutant patches the solution only", path)
		}
		data, err := os.ReadFile(filepath.Join(stepDir, path))
		return string(data), err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("mutant %s (%s): %w", name, MutantPath(filepath.Base(stepDir), name), err)
	}
	return p, files, nil
}

// MutantOverlay applies the step's mutant name (ApplyMutant), writes the
// patched files into dir, and writes there too an overlay file for go
// build's -overlay flag that puts them in place of the solution's files.
// A go command given it builds the mutant; the solution on disk is never
// touched. It returns the patch and the overlay file's path.
func MutantOverlay(stepDir, name, dir string) (*Patch, string, error) {
	p, files, err := ApplyMutant(stepDir, name)
	if err != nil {
		return nil, "", err
	}
	replace := map[string]string{}
	for path, text := range files {
		patched := filepath.Join(dir, strings.ReplaceAll(path, "/", "-"))
		if err := os.WriteFile(patched, []byte(text), 0o644); err != nil {
			return nil, "", err
		}
		replace[filepath.Join(stepDir, path)] = patched
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return nil, "", err
	}
	overlay := filepath.Join(dir, "overlay.json")
	return p, overlay, os.WriteFile(overlay, data, 0o644)
}

// ReadPatch reads and parses a mutant's patch.
func ReadPatch(path string) (*Patch, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := ParsePatch(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// ParsePatch parses a header and a unified diff. It is strict: a line it
// does not understand is an error, not something to skip.
func ParsePatch(text string) (*Patch, error) {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 || lines[0] == "" || !strings.HasPrefix(lines[1], "hint: ") || lines[2] != "" {
		return nil, fmt.Errorf("want a header: a line saying what mistake the mutant plants, then %q, then an empty line", "hint: anchor-h1")
	}
	p := &Patch{What: lines[0], Hint: strings.TrimPrefix(lines[1], "hint: ")}
	for i := 3; i < len(lines); {
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i], "--- a/") || !strings.HasPrefix(lines[i+1], "+++ b/") {
			return nil, fmt.Errorf("line %d: want a file header, --- a/PATH then +++ b/PATH; got %q", i+1, lines[i])
		}
		f := FilePatch{Path: strings.TrimPrefix(lines[i+1], "+++ b/")}
		i += 2
		for i < len(lines) && strings.HasPrefix(lines[i], "@@ ") {
			h, n, err := parseHunk(lines[i:])
			if err != nil {
				return nil, fmt.Errorf("line %d: %s: %w", i+1, f.Path, err)
			}
			f.Hunks = append(f.Hunks, h)
			i += n
		}
		if len(f.Hunks) == 0 {
			return nil, fmt.Errorf("%s: no hunks", f.Path)
		}
		p.Files = append(p.Files, f)
	}
	if len(p.Files) == 0 {
		return nil, fmt.Errorf("no diff under the header")
	}
	return p, nil
}

// parseHunk reads one hunk from its "@@" line and returns it with the
// number of lines it took.
func parseHunk(lines []string) (Hunk, int, error) {
	var h Hunk
	var err error
	fields := strings.Fields(lines[0])
	if len(fields) < 4 || fields[3] != "@@" || !strings.HasPrefix(fields[1], "-") || !strings.HasPrefix(fields[2], "+") {
		return h, 0, fmt.Errorf("malformed hunk header %q", lines[0])
	}
	if h.OldStart, h.OldLines, err = parseRange(fields[1][1:]); err != nil {
		return h, 0, fmt.Errorf("hunk header %q: %w", lines[0], err)
	}
	if h.NewStart, h.NewLines, err = parseRange(fields[2][1:]); err != nil {
		return h, 0, fmt.Errorf("hunk header %q: %w", lines[0], err)
	}
	old, added, n := 0, 0, 1
	for ; n < len(lines) && (old < h.OldLines || added < h.NewLines); n++ {
		line := lines[n]
		if line == "" {
			line = " " // an editor may strip the space of an empty context line
		}
		switch line[0] {
		case ' ':
			old, added = old+1, added+1
		case '-':
			old++
		case '+':
			added++
		default:
			return h, 0, fmt.Errorf("hunk %q: line %q is not context, - or +", lines[0], lines[n])
		}
		h.Lines = append(h.Lines, line)
	}
	if old != h.OldLines || added != h.NewLines {
		return h, 0, fmt.Errorf("hunk %q has %d old and %d new lines, its header says %d and %d", lines[0], old, added, h.OldLines, h.NewLines)
	}
	return h, n, nil
}

// parseRange reads "start,count" or "start" (count 1).
func parseRange(s string) (start, count int, err error) {
	first, rest, found := strings.Cut(s, ",")
	if start, err = strconv.Atoi(first); err != nil {
		return 0, 0, err
	}
	if !found {
		return start, 1, nil
	}
	count, err = strconv.Atoi(rest)
	return start, count, err
}

// Changed returns how many lines the patch changes: the more of the lines
// it removes and the lines it adds, so that a line replaced counts once,
// and so does a function body replaced by a shorter one.
func (p *Patch) Changed() int {
	removed, added := 0, 0
	for _, f := range p.Files {
		for _, h := range f.Hunks {
			for _, line := range h.Lines {
				switch line[0] {
				case '-':
					removed++
				case '+':
					added++
				}
			}
		}
	}
	return max(removed, added)
}

// Apply applies the patch to the files read returns, and returns each
// changed file's new text by path. It is strict, as a mutant must be the
// solution with one mistake planted: every hunk must find its context and
// its removed lines exactly where its header says, or Apply fails naming
// the file, the hunk and the first line that differs.
func (p *Patch) Apply(read func(path string) (string, error)) (map[string]string, error) {
	out := map[string]string{}
	for _, f := range p.Files {
		text, err := read(f.Path)
		if err != nil {
			return nil, err
		}
		if out[f.Path], err = f.apply(text); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (f FilePatch) apply(text string) (string, error) {
	old := lines(text)
	var out []string
	next := 0 // the first line of old not yet copied
	for i, h := range f.Hunks {
		at := h.OldStart - 1
		if h.OldLines == 0 {
			at = h.OldStart // an insertion comes after line OldStart
		}
		if at < next || at+h.OldLines > len(old) {
			return "", fmt.Errorf("%s: hunk %d (-%d,%d) lies outside the file's %d lines or overlaps the hunk before",
				f.Path, i+1, h.OldStart, h.OldLines, len(old))
		}
		out = append(out, old[next:at]...)
		for _, line := range h.Lines {
			if line[0] != '+' && (at >= len(old) || old[at] != line[1:]) {
				return "", fmt.Errorf("%s: hunk %d (-%d,%d) does not apply: line %d is %q, the patch expects %q",
					f.Path, i+1, h.OldStart, h.OldLines, at+1, lineAt(old, at), line[1:])
			}
			if line[0] != '-' {
				out = append(out, line[1:])
			}
			if line[0] != '+' {
				at++
			}
		}
		next = at
	}
	out = append(out, old[next:]...)
	return strings.Join(out, "\n") + "\n", nil
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(end of file)"
}

// Diff returns the unified diff, with three lines of context, that turns
// a into b, both the text of path; "" if they are equal. Diff then Apply
// gives b back.
func Diff(path, a, b string) string {
	ops := editScript(lines(a), lines(b))
	var out strings.Builder
	for start := 0; start < len(ops); start++ {
		if ops[start].kind == ' ' {
			continue
		}
		end := hunkEnd(ops, start)
		from, to := max(start-context, 0), min(end+context, len(ops))
		writeHunk(&out, ops[from:to])
		start = to - 1
	}
	if out.Len() == 0 {
		return ""
	}
	return "--- a/" + path + "\n+++ b/" + path + "\n" + out.String()
}

// hunkEnd returns the end of the hunk whose first change is ops[start]:
// just after its last change. Two changes with at most 2*context
// unchanged lines between them share a hunk, as their contexts would
// touch.
func hunkEnd(ops []op, start int) int {
	end := start
	for i := start; i < len(ops) && i-end <= 2*context; i++ {
		if ops[i].kind != ' ' {
			end = i + 1
		}
	}
	return end
}

// context is how many unchanged lines a hunk shows around a change.
const context = 3

// An op is one line of an edit script: ' ' kept, '-' deleted, '+'
// inserted; x and y are its line numbers (from 0) in the old and new text.
type op struct {
	kind byte
	text string
	x, y int
}

// editScript returns the shortest edit script from x to y, from a
// longest-common-subsequence table. Files are a few hundred lines: the
// quadratic table costs nothing.
func editScript(x, y []string) []op {
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []op
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			ops = append(ops, op{' ', x[i], i, j})
			i, j = i+1, j+1
		case j == len(y) || i < len(x) && lcs[i+1][j] >= lcs[i][j+1]:
			ops = append(ops, op{'-', x[i], i, j})
			i++
		default:
			ops = append(ops, op{'+', y[j], i, j})
			j++
		}
	}
	return ops
}

// writeHunk writes ops as one hunk. A side with no lines starts, by the
// format's convention, at the line before the hunk.
func writeHunk(out *strings.Builder, ops []op) {
	oldLines, newLines := 0, 0
	for _, o := range ops {
		if o.kind != '+' {
			oldLines++
		}
		if o.kind != '-' {
			newLines++
		}
	}
	oldStart, newStart := ops[0].x+1, ops[0].y+1
	if oldLines == 0 {
		oldStart--
	}
	if newLines == 0 {
		newStart--
	}
	fmt.Fprintf(out, "@@ -%d,%d +%d,%d @@\n", oldStart, oldLines, newStart, newLines)
	for _, o := range ops {
		out.WriteString(string(o.kind) + o.text + "\n")
	}
}
