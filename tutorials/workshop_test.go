package tutorials_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

// The workshop test runs docs/workshop.md as the room will: every demo
// the guide has the room run exits 0 on the skeletons, and every
// checkpoint passes with the functions the guide says, no more, and with
// about as many lines as it says. The timetable's minutes are checked by
// TestDocsWorkshopMinutesAddUp.

// workshopGuide is the teacher's guide, from the tutorials directory.
var workshopGuide = filepath.Join(moduleRoot, "docs", "workshop.md")

// parallel is how many programs or go commands the workshop tests run at
// once: the machines that run make test may have two cores, shared.
const parallel = 2

// demoCommand finds "$ go run ./tutorials/NN-name ..." in a code block.
var demoCommand = regexp.MustCompile(`^\$ go run \./tutorials/(\d\d-[a-z0-9-]+)(.*)$`)

// TestWorkshopDemosExitZero runs each step program the guide shows in a
// code block, as it is written there, on a free port: on a fresh clone
// the exercises are skeletons, and the room sees whatever comes out, so
// each must end by itself and exit 0. It builds the programs first, and
// runs them two at a time; each demo ends within seconds (all of them:
// about 20s, building included, on two busy cores; the checkpoints, 12s).
func TestWorkshopDemosExitZero(t *testing.T) {
	needReferences(t)
	if testing.Short() {
		t.Skip("-short: builds and runs a dozen programs")
	}
	var commands [][]string // step directory, then its arguments
	for _, line := range codeBlockLines(t, workshopGuide) {
		if m := demoCommand.FindStringSubmatch(line); m != nil {
			commands = append(commands, append([]string{m[1]}, strings.Fields(m[2])...))
		}
	}
	if len(commands) < 10 {
		t.Fatalf("%s: found %d go run commands in code blocks, want at least 10: is the pattern still right?", workshopGuide, len(commands))
	}
	bin := t.TempDir()
	var steps []string
	for _, c := range commands {
		if !slices.Contains(steps, c[0]) {
			steps = append(steps, c[0])
		}
	}
	inParallel(t, "build", steps, func(step string) string { return step }, func(t *testing.T, step string) {
		goCommand(t, "build", "-o", filepath.Join(bin, step), "./tutorials/"+step)
	})
	inParallel(t, "run", commands, func(c []string) string { return strings.Join(c, " ") }, func(t *testing.T, c []string) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(bin, c[0]), append(c[1:], "-addr", "127.0.0.1:0")...)
		cmd.Dir = moduleRoot // where the program finds the exercise's source
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("go run ./tutorials/%s: %v, want exit 0%s\n%s", strings.Join(c, " "), err, timedOut(ctx), out)
		}
	})
}

// needReferences skips a test of the guide in the student edition
// (make student-edition): the guide is the teacher's, and its checks need
// the references that edition leaves out.
func needReferences(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join("03-select", "solution")); err != nil {
		t.Skip("a student edition: the references the guide's checks need are not here")
	}
}

// codeBlockLines returns the lines inside the fenced code blocks of a
// Markdown file, trimmed.
func codeBlockLines(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	inBlock := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "```"):
			inBlock = !inBlock
		case inBlock:
			lines = append(lines, line)
		}
	}
	return lines
}

// A checkpoint is a row of the guide's table of what each checkpoint
// asks for.
type checkpoint struct {
	name, step             string
	instructor, learners   []string // the functions each writes
	instructorN, learnersN int      // how many lines the guide says each writes
	passes                 []string // the checks that pass then; nil: all of the step's
}

// checkpointRow finds a row of that table: "| C | 04 | `current` |
// `pollTimeout`, ... | 15 + 15 | `TestLoop/1-ReadyQueue` |".
var checkpointRow = regexp.MustCompile(`(?m)^\| ([A-E]|—) \| (\d\d) \| ([^|]*) \| ([^|]*) \| (\d+) \+ (\d+) \| ([^|]*) \|$`)

// checkpoints reads the guide's table of what each checkpoint asks for.
func checkpoints(t *testing.T) []checkpoint {
	t.Helper()
	data, err := os.ReadFile(workshopGuide)
	if err != nil {
		t.Fatal(err)
	}
	var cps []checkpoint
	for _, r := range checkpointRow.FindAllStringSubmatch(string(data), -1) {
		cp := checkpoint{name: r[1], step: r[2], instructor: spans(r[3]), learners: spans(r[4])}
		cp.instructorN, _ = strconv.Atoi(r[5])
		cp.learnersN, _ = strconv.Atoi(r[6])
		if !strings.Contains(r[7], "make check S=") {
			cp.passes = spans(r[7])
		}
		cps = append(cps, cp)
	}
	if len(cps) < 5 {
		t.Fatalf("%s: found %d rows of the checkpoint table, want at least 5 (A to E)", workshopGuide, len(cps))
	}
	return cps
}

// spans returns the code spans of a table's cell: the names in it.
func spans(cell string) []string {
	var names []string
	for _, m := range codeSpan.FindAllStringSubmatch(cell, -1) {
		names = append(names, m[1])
	}
	return names
}

// TestWorkshopLinesToWrite compares the lines the guide says each
// checkpoint takes with the code: for each function, the lines of the
// reference's body (neither blank nor comment) that the skeleton's body
// does not have. Hand-typed code differs from the reference, so the guide
// may be off by a fifth, or by 2 lines, whichever is more. The counts in
// the text of each block ("`park` (11 lines") are held to the same rule.
func TestWorkshopLinesToWrite(t *testing.T) {
	needReferences(t)
	m := loadManifest(t)
	for _, c := range lineClaims(t, m) {
		got := 0
		for _, fn := range c.fns {
			n, err := linesToWrite(c.steps[fn], fn)
			if err != nil {
				t.Error(err)
			}
			got += n
		}
		if d := max(2, got/5); c.lines < got-d || c.lines > got+d {
			t.Errorf("%s: %q: %d lines, says the guide; %v take %d in the reference (allowed: %d to %d)",
				workshopGuide, c.text, c.lines, c.fns, got, got-d, got+d)
		}
	}
	for _, cp := range checkpoints(t) {
		s, ok := m.Step(cp.step)
		if !ok || s.Exercise == nil {
			t.Errorf("%s: checkpoint %s names step %s, which has no exercise", workshopGuide, cp.name, cp.step)
			continue
		}
		for _, who := range []struct {
			name  string
			fns   []string
			lines int
		}{{"the instructor", cp.instructor, cp.instructorN}, {"the learners", cp.learners, cp.learnersN}} {
			got := 0
			for _, fn := range who.fns {
				if !slices.ContainsFunc(s.Exercise.Holes, func(h manifest.Hole) bool { return h.Name == fn }) {
					t.Errorf("%s: checkpoint %s: %s is not a hole of step %s in steps.json", workshopGuide, cp.name, fn, s.Dir)
				}
				n, err := linesToWrite(s.Dir, fn)
				if err != nil {
					t.Error(err)
				}
				got += n
			}
			if d := max(2, got/5); who.lines < got-d || who.lines > got+d {
				t.Errorf("%s: checkpoint %s (step %s): the guide gives %s %d lines to write; %v take %d in the reference (allowed: %d to %d)",
					workshopGuide, cp.name, cp.step, who.name, who.lines, who.fns, got, got-d, got+d)
			}
		}
	}
}

// A lineClaim is a count of lines in the text of a block: "`pollTimeout`,
// `takeReady` and `queueDueTimers` (15 lines".
type lineClaim struct {
	text  string
	fns   []string
	steps map[string]string // each function's step directory
	lines int
}

// lineClaimText finds one: a list of names in code spans, then " (N lines".
var lineClaimText = regexp.MustCompile("((?:`\\w+`(?:, | and ))*`\\w+`) \\((\\d+) lines")

// lineClaims returns the counts of lines in the text of each block of the
// guide's section 6, a block being a "### " heading that names its steps
// ("### 05, 06, 07 (1:55–2:20)"); a function is looked for in those steps.
func lineClaims(t *testing.T, m *manifest.Manifest) []lineClaim {
	t.Helper()
	data, err := os.ReadFile(workshopGuide)
	if err != nil {
		t.Fatal(err)
	}
	var claims []lineClaim
	for _, block := range strings.Split(string(data), "\n### ")[1:] {
		heading, text, _ := strings.Cut(block, "\n")
		heading, _, _ = strings.Cut(heading, " (") // not the clock's minutes
		ids := regexp.MustCompile(`\b\d\d\b`).FindAllString(heading, -1)
		for _, match := range lineClaimText.FindAllStringSubmatch(strings.Join(strings.Fields(text), " "), -1) {
			c := lineClaim{text: match[0], fns: spans(match[1]), steps: map[string]string{}}
			c.lines, _ = strconv.Atoi(match[2])
			for _, fn := range c.fns {
				if c.steps[fn] = holeStep(m, ids, fn); c.steps[fn] == "" {
					t.Errorf("%s: %q: %s is a hole of none of the steps %v of block %q", workshopGuide, c.text, fn, ids, heading)
				}
			}
			claims = append(claims, c)
		}
	}
	if len(claims) < 5 {
		t.Fatalf("%s: found %d counts of lines in the blocks' text, want at least 5: is the pattern still right?", workshopGuide, len(claims))
	}
	return claims
}

// holeStep returns the directory of the first of the steps ids that has
// a hole named fn, or "".
func holeStep(m *manifest.Manifest, ids []string, fn string) string {
	for _, id := range ids {
		if s, ok := m.Step(id); ok && s.Exercise != nil &&
			slices.ContainsFunc(s.Exercise.Holes, func(h manifest.Hole) bool { return h.Name == fn }) {
			return s.Dir
		}
	}
	return ""
}

// linesToWrite returns how many lines of fn's body in a step's reference
// its skeleton lacks: the reference's code lines less the longest run
// they share, in order, with the skeleton's (a longest common
// subsequence, as diff finds).
func linesToWrite(step, fn string) (int, error) {
	skeleton, err := findFunc(filepath.Join(step, "exercise"), fn)
	if err != nil {
		return 0, err
	}
	reference, err := findFunc(filepath.Join(step, "solution"), fn)
	if err != nil {
		return 0, err
	}
	a, b := codeLines(skeleton.body), codeLines(reference.body)
	return len(b) - commonLines(a, b), nil
}

// A funcBody is one function's body, and where it is.
type funcBody struct {
	file       string // its file
	start, end int    // the offsets of its body's braces in the file
	body       string // the text between them
}

// findFunc finds the function or method named name in the package in dir.
func findFunc(dir, name string) (funcBody, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var found []funcBody
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			return funcBody{}, err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, file, src, 0)
		if err != nil {
			return funcBody{}, err
		}
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Name.Name == name && fd.Body != nil {
				start, end := fset.Position(fd.Body.Lbrace).Offset, fset.Position(fd.Body.Rbrace).Offset
				found = append(found, funcBody{file, start, end + 1, string(src[start+1 : end])})
			}
		}
	}
	if len(found) != 1 {
		return funcBody{}, fmt.Errorf("%s: %d functions named %s, want 1", dir, len(found), name)
	}
	return found[0], nil
}

// codeLines returns the lines of a body that are code, trimmed.
func codeLines(body string) []string {
	var lines []string
	for _, l := range strings.Split(body, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "//") {
			lines = append(lines, l)
		}
	}
	return lines
}

// commonLines returns the length of the longest common subsequence of a
// and b.
func commonLines(a, b []string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// TestWorkshopCheckpointsPass proves each checkpoint of the guide: the
// skeleton with exactly the functions the guide has the instructor and
// the learners write, taken from the reference, passes the checks the
// guide names. The skeleton on disk is untouched: go test -overlay
// compiles the filled-in files in its place.
func TestWorkshopCheckpointsPass(t *testing.T) {
	needReferences(t)
	if testing.Short() {
		t.Skip("-short: runs the checks of seven steps")
	}
	inParallel(t, "step", checkpoints(t), func(cp checkpoint) string { return cp.step }, func(t *testing.T, cp checkpoint) {
		dir := stepDir(t, cp.step)
		overlay := fillIn(t, dir, slices.Concat(cp.instructor, cp.learners))
		if cp.passes == nil {
			goCommand(t, "test", "-count=1", "-overlay", overlay, "./tutorials/"+dir)
			return
		}
		for _, check := range cp.passes {
			out := goCommand(t, "test", "-count=1", "-v", "-overlay", overlay, "-run", runPattern(check), "./tutorials/"+dir)
			if !strings.Contains(out, "--- PASS: "+check+" ") {
				t.Errorf("checkpoint %s: go test -run %s ./tutorials/%s ran no check %s:\n%s", cp.name, runPattern(check), dir, check, out)
			}
		}
	})
}

// stepDir returns the directory of a step: "04-loop" for "04".
func stepDir(t *testing.T, id string) string {
	t.Helper()
	s, ok := loadManifest(t).Step(id)
	if !ok {
		t.Fatalf("no step %s in steps.json", id)
	}
	return s.Dir
}

// runPattern is the -run pattern of exactly one check:
// "^TestLoop$/^1-ReadyQueue$".
func runPattern(check string) string {
	parts := strings.Split(check, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// fillIn writes the skeleton files of step that hold fns, with those
// functions' bodies taken from the reference, and returns the overlay
// file that has go build use them in place of the skeleton's.
func fillIn(t *testing.T, step string, fns []string) string {
	t.Helper()
	byFile := map[string][]funcBody{} // skeleton file → its functions, with the reference's bodies
	for _, fn := range fns {
		skeleton, err := findFunc(filepath.Join(step, "exercise"), fn)
		if err != nil {
			t.Fatal(err)
		}
		reference, err := findFunc(filepath.Join(step, "solution"), fn)
		if err != nil {
			t.Fatal(err)
		}
		skeleton.body = reference.body
		byFile[skeleton.file] = append(byFile[skeleton.file], skeleton)
	}
	dir := t.TempDir()
	replace := map[string]string{}
	for file, fns := range byFile {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(fns, func(a, b funcBody) int { return b.start - a.start }) // from the end: offsets hold
		for _, fn := range fns {
			src = slices.Concat(src[:fn.start], []byte("{"+fn.body+"}"), src[fn.end:])
		}
		reference := filepath.Join(step, "solution", filepath.Base(file))
		if src, err = withDeclarationsMissing(src, reference, filepath.Join(step, "exercise")); err != nil {
			t.Fatalf("%s, filled in: %v", file, err)
		}
		if src, err = withImportsUsed(src, reference); err != nil {
			t.Fatalf("%s, filled in: %v", file, err)
		}
		filled := filepath.Join(dir, filepath.Base(file))
		if err := os.WriteFile(filled, src, 0o644); err != nil {
			t.Fatal(err)
		}
		abs, err := filepath.Abs(file)
		if err != nil {
			t.Fatal(err)
		}
		replace[abs] = filled
	}
	data, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		t.Fatal(err)
	}
	overlay := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlay, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return overlay
}

// withDeclarationsMissing adds to a skeleton file the top-level
// declarations of the reference file that the skeleton's package lacks:
// what the reference's bodies may need besides (step 11's sliceBudget).
func withDeclarationsMissing(src []byte, reference, skeleton string) ([]byte, error) {
	declared := map[string]bool{}
	files, _ := filepath.Glob(filepath.Join(skeleton, "*.go"))
	for _, file := range files {
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
		if err != nil {
			return nil, err
		}
		for _, decl := range f.Decls {
			for _, name := range declNames(decl) {
				declared[name] = true
			}
		}
	}
	refSrc, err := os.ReadFile(reference)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	ref, err := parser.ParseFile(fset, reference, refSrc, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	for _, decl := range ref.Decls {
		names := declNames(decl)
		if len(names) == 0 || slices.ContainsFunc(names, func(n string) bool { return declared[n] }) {
			continue
		}
		text := refSrc[fset.Position(decl.Pos()).Offset:fset.Position(decl.End()).Offset]
		src = slices.Concat(src, []byte("\n"), text, []byte("\n"))
	}
	return src, nil
}

// declNames returns the names a top-level declaration declares: "New",
// "Poller.Wait" for a method, none for an import.
func declNames(decl ast.Decl) []string {
	var names []string
	switch d := decl.(type) {
	case *ast.FuncDecl:
		name := d.Name.Name
		if d.Recv != nil && len(d.Recv.List) == 1 {
			name = receiverName(d.Recv) + "." + name
		}
		names = append(names, name)
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			switch sp := spec.(type) {
			case *ast.TypeSpec:
				names = append(names, sp.Name.Name)
			case *ast.ValueSpec:
				for _, n := range sp.Names {
					names = append(names, n.Name)
				}
			}
		}
	}
	return names
}

// withImportsUsed gives a skeleton file whose bodies came from the
// reference file the imports it needs now: those of either file that its
// code names.
func withImportsUsed(src []byte, reference string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "filled.go", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	ref, err := parser.ParseFile(token.NewFileSet(), reference, nil, parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	named := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				named[id.Name] = true
			}
		}
		return true
	})
	var specs []string
	for _, s := range slices.Concat(f.Imports, ref.Imports) {
		spec, name := s.Path.Value, importName(s)
		if s.Name != nil {
			spec = s.Name.Name + " " + spec
		}
		if (named[name] || name == "_") && !slices.Contains(specs, spec) {
			specs = append(specs, spec)
		}
	}
	offset := func(p token.Pos) int { return fset.Position(p).Offset }
	start, end := offset(f.Name.End()), offset(f.Name.End())
	block := "\n\nimport (\n\t" + strings.Join(specs, "\n\t") + "\n)"
	for i, decl := range f.Decls {
		if gen, ok := decl.(*ast.GenDecl); ok && gen.Tok == token.IMPORT {
			if i == 0 {
				start = offset(gen.Pos())
				block = strings.TrimPrefix(block, "\n\n")
			}
			end = offset(gen.End())
		}
	}
	return format.Source(slices.Concat(src[:start], []byte(block), src[end:]))
}

// importName is the name a file knows an import by: the one it gives,
// else the last element of the path (not always the package's name, but
// the tutorial's skeletons and references import nothing else).
func importName(s *ast.ImportSpec) string {
	if s.Name != nil {
		return s.Name.Name
	}
	p, _ := strconv.Unquote(s.Path.Value)
	return path.Base(p)
}

// inParallel runs check on each item in a subtest of its own, named by
// name, in the subtest group, at most parallel of them at once.
func inParallel[T any](t *testing.T, group string, items []T, name func(T) string, check func(*testing.T, T)) {
	t.Helper()
	slots := make(chan struct{}, parallel)
	t.Run(group, func(t *testing.T) {
		for _, item := range items {
			t.Run(name(item), func(t *testing.T) {
				t.Parallel()
				slots <- struct{}{}
				defer func() { <-slots }()
				check(t, item)
			})
		}
	})
}

// goCommand runs the go command in the module root, on the learners'
// code (LOOPKIT_IMPL=exercise, whatever make test set), within three
// minutes, and fails the test if it fails. It returns what it printed.
func goCommand(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = moduleRoot
	cmd.Env = append(os.Environ(), "LOOPKIT_IMPL=exercise")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s: %v%s\n%s", strings.Join(args, " "), err, timedOut(ctx), out.String())
	}
	return out.String()
}

// timedOut says so if ctx's deadline killed a command.
func timedOut(ctx context.Context) string {
	if ctx.Err() != nil {
		return " (killed: it did not end by itself in time)"
	}
	return ""
}
