package tutorials_test

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/loopkit/loopkit/tutorials/internal/manifest"
)

// The documentation test keeps the text of the tutorials in step with the
// code and with steps.json, so that a README never shows code that is not
// there, a command that does not work, or minutes that do not add up:
//
//   - a fenced block after <!-- code: PATH SYMBOL --> equals that
//     declaration of PATH, as go/printer prints it, under a first line
//     naming the file (// tutorials/03-select/exercise/poller.go);
//   - every "$ go run", "$ go test" and "$ make" line names a directory
//     that exists and a make target that exists;
//   - the table of tutorials/README.md is the one steps.json makes;
//   - every "hints.md#anchor" link resolves, and each step's files say
//     what steps.json says (manifest.CheckContent);
//   - the timetable of docs/workshop.md adds up, from steps.json's minutes.
//
// go test ./tutorials -run TestDocs -update rewrites the code blocks and
// the table from the sources.
var update = flag.Bool("update", false, "rewrite the README code blocks and the steps table from the sources")

// moduleRoot is where go.mod is: the tests run in tutorials/.
const moduleRoot = ".."

func loadManifest(t *testing.T) *manifest.Manifest {
	t.Helper()
	m, err := manifest.Load(".")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// markdownFiles returns the Markdown files the tests read: the READMEs and
// hints of the tutorials, and the workshop plan.
func markdownFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("*/*.md")
	files = append(files, more...)
	files = append(files, filepath.Join(moduleRoot, "docs", "workshop.md"))
	return files
}

// codeMarker finds <!-- code: PATH SYMBOL --> and the fenced block after it.
var codeMarker = regexp.MustCompile("(?m)^<!-- code: (\\S+)(?: ([^>]*?))? -->\\n```(\\w*)\\n((?s:.*?))```\\n")

func TestDocsCodeBlocks(t *testing.T) {
	for _, file := range markdownFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		dir := filepath.Dir(file)
		rewritten := codeMarker.ReplaceAllStringFunc(text, func(block string) string {
			m := codeMarker.FindStringSubmatch(block)
			path, symbol, lang, got := m[1], strings.TrimSpace(m[2]), m[3], m[4]
			want, err := extract(filepath.Join(dir, path), symbol)
			if err != nil {
				t.Errorf("%s: <!-- code: %s %s -->: %v", file, path, symbol, err)
				return block
			}
			want = "// " + repoPath(filepath.Join(dir, path)) + "\n" + want
			if !*update && got != want {
				t.Errorf("%s: the block after <!-- code: %s %s --> differs from the code (-want +got):\n%s\n"+
					"run: go test ./tutorials -run TestDocs -update", file, path, symbol, cmp.Diff(want, got))
			}
			return fmt.Sprintf("<!-- code: %s -->\n```%s\n%s```\n", strings.TrimSpace(path+" "+symbol), lang, want)
		})
		if *update && rewritten != text {
			if err := os.WriteFile(file, []byte(rewritten), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("rewrote %s", file)
		}
	}
}

// repoPath names a file from the repository root, with slashes.
func repoPath(path string) string {
	root, err1 := filepath.Abs(moduleRoot)
	abs, err2 := filepath.Abs(path)
	rel, err3 := filepath.Rel(root, abs)
	if err1 != nil || err2 != nil || err3 != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

// extract returns what a code marker shows: a whole file (no symbol), a
// declaration of a Go file ("New", "Poller.Wait", "type Poller", "const
// maxWait"), or, in any file, the lines from one matching /start/ to the
// next matching /end/.
func extract(path, symbol string) (string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	switch {
	case symbol == "":
		return string(src), nil
	case strings.HasPrefix(symbol, "/"):
		return extractLines(string(src), symbol)
	case !strings.HasSuffix(path, ".go"):
		return "", fmt.Errorf("a declaration can be taken from a Go file only; use /start/ /end/")
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return "", err
	}
	decl := findDecl(f, symbol)
	if decl == nil {
		return "", fmt.Errorf("no declaration %q in %s", symbol, path)
	}
	var b bytes.Buffer
	cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}
	if err := cfg.Fprint(&b, fset, &printer.CommentedNode{Node: decl, Comments: f.Comments}); err != nil {
		return "", err
	}
	return b.String() + "\n", nil
}

// findDecl finds "Name", "Type.Method", "type Name", "const Name" or
// "var Name" in f.
func findDecl(f *ast.File, symbol string) ast.Decl {
	kind, name, ok := strings.Cut(symbol, " ")
	if !ok {
		kind, name = "", symbol
	}
	recv, method, isMethod := strings.Cut(name, ".")
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if kind != "" && kind != "func" {
				continue
			}
			if isMethod && d.Recv != nil && receiverName(d.Recv) == recv && d.Name.Name == method {
				return d
			}
			if !isMethod && d.Recv == nil && d.Name.Name == name {
				return d
			}
		case *ast.GenDecl:
			if kind != "" && kind != d.Tok.String() || isMethod {
				continue
			}
			for _, spec := range d.Specs {
				if specNames(spec, name) {
					return d
				}
			}
		}
	}
	return nil
}

func receiverName(fields *ast.FieldList) string {
	typ := fields.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if id, ok := typ.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func specNames(spec ast.Spec, name string) bool {
	switch s := spec.(type) {
	case *ast.TypeSpec:
		return s.Name.Name == name
	case *ast.ValueSpec:
		return slices.ContainsFunc(s.Names, func(id *ast.Ident) bool { return id.Name == name })
	}
	return false
}

// extractLines takes "/start/ /end/": the lines from the first that
// matches start through the first after it that matches end.
func extractLines(text, symbol string) (string, error) {
	parts := regexp.MustCompile(`^/(.*?)/\s+/(.*)/$`).FindStringSubmatch(symbol)
	if parts == nil {
		return "", fmt.Errorf("want /start regexp/ /end regexp/, got %q", symbol)
	}
	start, err := regexp.Compile(parts[1])
	if err != nil {
		return "", err
	}
	end, err := regexp.Compile(parts[2])
	if err != nil {
		return "", err
	}
	var out []string
	in := false
	for _, line := range strings.SplitAfter(text, "\n") {
		if !in && start.MatchString(line) {
			in = true
		}
		if in {
			out = append(out, line)
			if len(out) > 1 && end.MatchString(line) || len(out) == 1 && end.MatchString(line) && parts[1] == parts[2] {
				return strings.Join(out, ""), nil
			}
		}
	}
	return "", fmt.Errorf("no lines from /%s/ to /%s/", parts[1], parts[2])
}

// commandLine finds "$ go run ...", "$ go test ..." and "$ make ..." lines.
var commandLine = regexp.MustCompile(`(?m)^\s*\$ (go run|go test|make)\b(.*)$`)

func TestDocsCommandsExist(t *testing.T) {
	targets := makeTargets(t)
	m := loadManifest(t)
	for _, file := range markdownFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, match := range commandLine.FindAllStringSubmatch(string(data), -1) {
			tool, args := match[1], strings.Fields(match[2])
			where := fmt.Sprintf("%s: %q", file, strings.TrimSpace(match[0]))
			if tool == "make" {
				checkMakeCommand(t, where, args, targets, m)
				continue
			}
			for _, arg := range args {
				if !strings.HasPrefix(arg, "./") {
					continue
				}
				path := strings.TrimSuffix(strings.TrimSuffix(arg, "/..."), "/")
				if _, err := os.Stat(filepath.Join(moduleRoot, path)); err != nil {
					t.Errorf("%s: %s does not exist (paths are from the repository root)", where, arg)
				}
			}
		}
	}
}

func checkMakeCommand(t *testing.T, where string, args []string, targets map[string]bool, m *manifest.Manifest) {
	t.Helper()
	for _, arg := range args {
		name, value, isVar := strings.Cut(arg, "=")
		switch {
		case isVar && name == "S":
			if s, ok := m.Step(value); !ok || s.Status != manifest.Written {
				t.Errorf("%s: S=%s is not a written step", where, value)
			}
		case isVar:
		case strings.HasPrefix(arg, "-"):
		case !targets[arg]:
			t.Errorf("%s: the Makefile has no target %q", where, arg)
		}
	}
}

// makeTargets reads the targets of the Makefile.
func makeTargets(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(moduleRoot, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*):`).FindAllStringSubmatch(string(data), -1) {
		targets[m[1]] = true
	}
	return targets
}

// The steps table of tutorials/README.md sits between these markers.
const (
	tableStart = "<!-- steps table: made from steps.json by go test ./tutorials -run TestDocs -update -->\n"
	tableEnd   = "<!-- end of steps table -->\n"
)

func TestDocsStepsTable(t *testing.T) {
	m := loadManifest(t)
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i, j := strings.Index(text, tableStart), strings.Index(text, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md: no steps table between %q and %q", tableStart, tableEnd)
	}
	got := text[i+len(tableStart) : j]
	want := stepsTable(m)
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile("README.md", []byte(text[:i+len(tableStart)]+want+text[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Log("rewrote the steps table of README.md")
		return
	}
	t.Errorf("README.md: the steps table differs from steps.json (-want +got):\n%s\nrun: go test ./tutorials -run TestDocs -update",
		cmp.Diff(want, got))
}

// stepsTable is the README's map of the steps, from the manifest.
func stepsTable(m *manifest.Manifest) string {
	var b strings.Builder
	b.WriteString("| step | what you do | tier | workshop minutes (talk + hands-on) | after | run it | check it |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, s := range m.Steps {
		name, run, check := fmt.Sprintf("[%s](%s/README.md)", s.Dir, s.Dir), "`go run ./tutorials/"+s.Dir+" -demo`", "`go test ./tutorials/"+s.Dir+"`"
		if s.Status == manifest.Planned {
			name, run, check = s.Dir, "not written yet", ""
		}
		after := ""
		if s.AfterMinutes > 0 {
			after = strconv.Itoa(s.AfterMinutes)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %d + %d | %s | %s | %s |\n", name, s.Title, s.Tier,
			s.TeachMinutes, s.ExerciseMinutes, after, run, check)
	}
	return b.String()
}

// hintLink finds links into a step's hints: "03-select/hints.md#register-h1".
var hintLink = regexp.MustCompile(`([0-9]{2}-[a-z0-9-]+)/hints\.md#([a-z0-9-]+)`)

func TestDocsHintLinksResolve(t *testing.T) {
	files := markdownFiles(t)
	goFiles, _ := filepath.Glob("*/*.go")
	files = append(files, goFiles...)
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range hintLink.FindAllStringSubmatch(string(data), -1) {
			hints, err := os.ReadFile(filepath.Join(m[1], "hints.md"))
			if err != nil {
				t.Errorf("%s links %s: %v", file, m[0], err)
				continue
			}
			if _, ok := manifest.Anchors(string(hints))[m[2]]; !ok {
				t.Errorf("%s links %s, but %s/hints.md has no heading with anchor #%s", file, m[0], m[1], m[2])
			}
		}
	}
}

// The content rules of each step (TODO markers in the skeletons, hints per
// hole, README sections) are checked by make tutorials-check
// (stepcheck's content stage), not here: a student who has filled a
// step's holes has, rightly, no TODO markers left, and go test ./...
// must still pass for them.

// TestMutantsApply applies each mutant's patch to its step's solution, so
// that whoever changes a solution learns from go test, not only from make
// tutorials-check, that a mutant must be made again on it. An edition
// without the answers has neither solutions nor mutants.
func TestMutantsApply(t *testing.T) {
	for _, s := range loadManifest(t).Written() {
		if s.Exercise == nil {
			continue
		}
		for _, mu := range s.Exercise.Mutants {
			if _, err := os.Stat(manifest.MutantPath(s.Dir, mu.Name)); os.IsNotExist(err) {
				continue
			}
			if _, _, err := manifest.ApplyMutant(s.Dir, mu.Name); err != nil {
				t.Errorf("%v\n  make it again on the solution as it is now: tutorials/README.md says how", err)
			}
		}
	}
}

// timetableRow finds a row of the workshop's timetable: "| 0:10–0:30 |
// 01, 02 | ...", the second column naming the steps of the block: "01, 02"
// in turn, "10 / 11 / 12" one of, "—" none.
var timetableRow = regexp.MustCompile(`(?m)^\| (\d):(\d\d)[–-](\d):(\d\d) \| ([^|]*?) \|`)

func TestDocsWorkshopMinutesAddUp(t *testing.T) {
	m := loadManifest(t)
	data, err := os.ReadFile(filepath.Join(moduleRoot, "docs", "workshop.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := timetableRow.FindAllStringSubmatch(string(data), -1)
	if len(rows) == 0 {
		t.Fatal("docs/workshop.md: no timetable rows like | 0:10–0:30 | 01, 02 | ...")
	}
	clock, inWorkshop := 0, map[string]bool{}
	for _, r := range rows {
		start, end := minutes(r[1], r[2]), minutes(r[3], r[4])
		if start != clock {
			t.Errorf("docs/workshop.md: block %s:%s starts at minute %d, want %d (where the one before ended)", r[1], r[2], start, clock)
		}
		clock = end
		want, steps, err := blockMinutes(m, strings.TrimSpace(r[5]))
		if err != nil {
			t.Errorf("docs/workshop.md: block %s:%s: %v", r[1], r[2], err)
			continue
		}
		for _, s := range steps {
			inWorkshop[s] = true
		}
		if want >= 0 && end-start != want {
			t.Errorf("docs/workshop.md: block %s:%s–%s:%s lasts %d minutes, but steps.json gives its steps (%s) %d",
				r[1], r[2], r[3], r[4], end-start, strings.TrimSpace(r[5]), want)
		}
	}
	if clock != 180 {
		t.Errorf("docs/workshop.md: the timetable ends at minute %d, want 180", clock)
	}
	for _, s := range m.Steps {
		if s.TeachMinutes+s.ExerciseMinutes > 0 && !inWorkshop[s.ID] {
			t.Errorf("steps.json gives %s %d workshop minutes, but no block of docs/workshop.md has it",
				s.Dir, s.TeachMinutes+s.ExerciseMinutes)
		}
	}
}

func minutes(h, m string) int {
	hours, _ := strconv.Atoi(h)
	mins, _ := strconv.Atoi(m)
	return 60*hours + mins
}

// blockMinutes returns the minutes steps.json gives a block's steps, and
// their ids: talk plus hands-on for steps in turn ("01, 02"); every talk
// but only the longest hands-on for a choice ("10 / 11 / 12"); -1 for a
// block without steps ("—": a break, the wrap-up).
func blockMinutes(m *manifest.Manifest, cell string) (int, []string, error) {
	if cell == "—" || cell == "-" {
		return -1, nil, nil
	}
	sep, choice := ",", strings.Contains(cell, "/")
	if choice {
		sep = "/"
	}
	total, longest := 0, 0
	var ids []string
	for _, id := range strings.Split(cell, sep) {
		id = strings.TrimSpace(id)
		s, ok := m.Step(id)
		if !ok {
			return 0, nil, fmt.Errorf("no step %q in steps.json", id)
		}
		ids = append(ids, id)
		total += s.TeachMinutes
		if choice {
			longest = max(longest, s.ExerciseMinutes)
		} else {
			total += s.ExerciseMinutes
		}
	}
	return total + longest, ids, nil
}
