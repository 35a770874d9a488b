package tutorials_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The citation test keeps what the documents say about the code true to the
// code, as TestDocsCodeBlocks does for the blocks they quote. It reads
// README.md, docs/*.md and every README.md under tutorials/, and checks:
//
//   - a file and line, "chat.go:137", wherever it is written (prose, table,
//     quoted output): the file exists, and the line is in it and holds code
//     (not blank, not only a comment). A path is from the repository's root
//     or cut to its last directories, as the kit's messages print it
//     ("callbacks/conn.go", "chat.go"): it names every Go file whose path
//     ends with it, and the nearest ones count: those under the document's
//     own directory, else under its parent, and so on up to the root. When
//     several are equally near (a step's exercise, solution and mutants,
//     copies of one program), the citation must hold in one of them; write
//     more of the path to name one.
//   - a qualified name written just before it, as the kit's messages write
//     a place, "Queue.Get (chat.go:137)", or a stack frame,
//     "exercise.(*Server).lookup (exercise/server.go:50)": its last
//     identifier (Get, lookup; a method value's "-fm" and a closure's
//     ".func1" dropped) is a word of the cited line or of the three after
//     it, or names the function the line is in. A name written with its
//     import path, "github.com/loopkit/loopkit/callbacks.(*Conn).readable-fm
//     (main.go:90)", is the watchdog's: the callback the loop called, while
//     the line is the user's code it was running; only the line is checked.
//   - a Go name in backquotes in the prose: `waiters.Set`,
//     `loop.(*Loop).RunOnce`, `Queue.Get`, `loop.AddReader` (short for
//     the method of the package's type). If it starts with the name of one
//     of the repository's packages, a package of that name declares the
//     rest (a function, type, variable, constant, method or field); if it
//     starts with a type the repository declares, a type of that name has
//     the method or field. A closure's ".func1" is dropped. Other names
//     (`time.AfterFunc`, `gevent.joinall`) are not the kit's, and file
//     names (`chat.svg`) are not names: neither is checked.
//   - every line of a fenced block in docs/*.md fits in maxColumns, a tab
//     counting to the next multiple of 8, so that no page scrolls sideways.
const maxColumns = 100

// citation finds "PATH.go:LINE", with the qualified name written before it
// as "NAME (PATH.go:LINE", if any.
var citation = regexp.MustCompile(`(?:(/?)(\w+(?:\.(?:\(\*?\w+\)|\w+))+(?:-fm)?) \()?\b([\w.-]+(?:/[\w.-]+)*\.go):(\d+)\b`)

// codeSpan finds a `code span` of Markdown.
var codeSpan = regexp.MustCompile("`([^`]+)`")

// goName finds a name of Go in a code span: pkg.Name, pkg.Type.Member,
// pkg.(*Type).Member, Type.Member.
var goName = regexp.MustCompile(`^(\w+)\.(?:\(\*?(\w+)\)\.(\w+)|(\w+)(?:\.(\w+))?)$`)

// Neither a file name nor a closure's suffix is part of a name.
var (
	fileName = regexp.MustCompile(`\.(go|md|json|svg|txt|sh|py|js|c|html|mod|sum)$`)
	closure  = regexp.MustCompile(`(\.func\d+)+$`)
)

func TestDocsCitationsHold(t *testing.T) {
	repo := loadRepo(t)
	for _, doc := range citingDocs(t) {
		data, err := os.ReadFile(filepath.Join(moduleRoot, filepath.FromSlash(doc)))
		if err != nil {
			t.Fatal(err)
		}
		inBlock := false
		for i, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "```") {
				inBlock = !inBlock
				continue
			}
			for _, err := range repo.checkLine(doc, line, inBlock) {
				t.Errorf("%s:%d: %v", doc, i+1, err)
			}
		}
	}
	t.Logf("checked %d citations of a line and %d code spans", repo.cited, repo.named)
	if repo.cited == 0 || repo.named == 0 {
		t.Errorf("found %d citations of a line and %d code spans, want some of each: do the patterns still match?",
			repo.cited, repo.named)
	}
}

// checkLine checks one line of a document: its citations, its names (out
// of a code block) and its width (in a code block of docs/).
func (r *repo) checkLine(doc, line string, inBlock bool) []error {
	var errs []error
	for _, m := range citation.FindAllStringSubmatch(line, -1) {
		r.cited++
		name := m[2]
		if m[1] == "/" {
			name = ""
		}
		if err := r.checkCitation(doc, name, m[3], m[4]); err != nil {
			errs = append(errs, fmt.Errorf("%s:%s: %w", m[3], m[4], err))
		}
	}
	if inBlock && strings.HasPrefix(doc, "docs/") && columns(line) > maxColumns {
		errs = append(errs, fmt.Errorf("a line of %d columns in a code block, want at most %d", columns(line), maxColumns))
	}
	if inBlock {
		return errs
	}
	for _, m := range codeSpan.FindAllStringSubmatch(line, -1) {
		r.named++
		if err := r.checkName(m[1]); err != nil {
			errs = append(errs, fmt.Errorf("`%s`: %w", m[1], err))
		}
	}
	return errs
}

// citingDocs names the documents checked, from the repository's root.
func citingDocs(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(moduleRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	docs = append(docs, filepath.Join(moduleRoot, "README.md"))
	err = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == "README.md" {
			docs = append(docs, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range docs {
		docs[i] = repoPath(d)
	}
	return docs
}

// repo is what the test knows of the repository's Go code.
type repo struct {
	files    map[string]*goFile         // by path from the root
	packages map[string]map[string]bool // package name -> "Name", "Type.Member"
	types    map[string]map[string]bool // type name -> "Member"

	cited, named int // citations of a line and code spans checked
}

// goFile is one Go file: its lines and the lines of its functions.
type goFile struct {
	lines []string
	funcs []function
}

type function struct {
	name        string
	first, last int
}

// loadRepo parses every Go file of the repository.
func loadRepo(t *testing.T) *repo {
	t.Helper()
	r := newRepo()
	err := filepath.WalkDir(moduleRoot, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && strings.HasPrefix(d.Name(), ".") && p != moduleRoot:
			return filepath.SkipDir // .git
		case d.IsDir() || !strings.HasSuffix(p, ".go"):
			return nil
		}
		return r.add(p)
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newRepo() *repo {
	return &repo{files: map[string]*goFile{}, packages: map[string]map[string]bool{}, types: map[string]map[string]bool{}}
}

// add parses one file.
func (r *repo) add(p string) error {
	src, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	return r.parse(repoPath(p), src)
}

// parse notes a file's lines, its functions and its names.
func (r *repo) parse(name string, src []byte) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	file := &goFile{lines: strings.Split(string(src), "\n")}
	r.files[name] = file
	names := r.packages[f.Name.Name]
	if names == nil {
		names = map[string]bool{}
		r.packages[f.Name.Name] = names
	}
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.FuncDecl:
			file.funcs = append(file.funcs, function{d.Name.Name, fset.Position(d.Pos()).Line, fset.Position(d.End()).Line})
			if d.Recv != nil {
				r.member(names, receiverType(d.Recv.List[0].Type), d.Name.Name)
			} else {
				names[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				r.addSpec(names, spec)
			}
		}
	}
	return nil
}

// receiverType names a method's type: T of T, *T, T[E] or *T[K, V].
func receiverType(typ ast.Expr) string {
	switch t := typ.(type) {
	case *ast.StarExpr:
		return receiverType(t.X)
	case *ast.IndexExpr:
		return receiverType(t.X)
	case *ast.IndexListExpr:
		return receiverType(t.X)
	case *ast.Ident:
		return t.Name
	}
	return ""
}

// addSpec notes a type (with its fields or its interface's methods), or
// the names of a var or const.
func (r *repo) addSpec(names map[string]bool, spec ast.Spec) {
	switch s := spec.(type) {
	case *ast.ValueSpec:
		for _, id := range s.Names {
			names[id.Name] = true
		}
	case *ast.TypeSpec:
		names[s.Name.Name] = true
		var fields *ast.FieldList
		switch typ := s.Type.(type) {
		case *ast.StructType:
			fields = typ.Fields
		case *ast.InterfaceType:
			fields = typ.Methods
		default:
			return
		}
		for _, field := range fields.List {
			for _, id := range field.Names {
				r.member(names, s.Name.Name, id.Name)
			}
		}
	}
}

// member notes a method or field of a type.
func (r *repo) member(names map[string]bool, typ, name string) {
	names[typ+"."+name] = true
	names["*."+name] = true
	if r.types[typ] == nil {
		r.types[typ] = map[string]bool{}
	}
	r.types[typ][name] = true
}

// checkCitation checks "name (cited:line)" (name may be empty), written in
// doc.
func (r *repo) checkCitation(doc, name, cited, line string) error {
	files := r.nearest(doc, cited)
	if len(files) == 0 {
		return fmt.Errorf("no Go file %s in the repository", cited)
	}
	n, _ := strconv.Atoi(line) // digits, by the pattern
	ident := lastIdentifier(name)
	var failures []string
	for _, p := range files {
		err := r.files[p].holds(n, ident)
		if err == nil {
			return nil
		}
		failures = append(failures, fmt.Sprintf("%s: %v", p, err))
	}
	return fmt.Errorf("cites no line of code that matches:\n\t%s", strings.Join(failures, "\n\t"))
}

// nearest returns the Go files a path cited in doc may mean: those whose
// path ends with it, under the directory nearest doc that has any.
func (r *repo) nearest(doc, cited string) []string {
	var all []string
	for p := range r.files {
		if p == cited || strings.HasSuffix(p, "/"+cited) {
			all = append(all, p)
		}
	}
	slices.Sort(all)
	for dir := path.Dir(doc); ; dir = path.Dir(dir) {
		var near []string
		for _, p := range all {
			if dir == "." || strings.HasPrefix(p, dir+"/") {
				near = append(near, p)
			}
		}
		if len(near) > 0 || dir == "." {
			return near
		}
	}
}

// lastIdentifier returns what a place's name must match in the code:
// "Get" of "Queue.Get", "onWorker" of "exercise.(*Server).onWorker.func1".
func lastIdentifier(name string) string {
	name = closure.ReplaceAllString(strings.TrimSuffix(name, "-fm"), "")
	return strings.Trim(name[strings.LastIndex(name, ".")+1:], "(*)")
}

// holds says whether line n of the file is code that may be ident's
// place: ident (if any) on it or on the three after it, or the function
// around it named ident.
func (f *goFile) holds(n int, ident string) error {
	if n < 1 || n > len(f.lines) {
		return fmt.Errorf("line %d is past its end (%d lines)", n, len(f.lines))
	}
	text := strings.TrimSpace(f.lines[n-1])
	if text == "" || strings.HasPrefix(text, "//") {
		return fmt.Errorf("line %d holds no code: %q", n, text)
	}
	if ident == "" {
		return nil
	}
	word := regexp.MustCompile(`\b` + regexp.QuoteMeta(ident) + `\b`)
	if word.MatchString(strings.Join(f.lines[n-1:min(n+3, len(f.lines))], "\n")) {
		return nil
	}
	for _, fn := range f.funcs {
		if fn.first <= n && n <= fn.last && fn.name == ident {
			return nil
		}
	}
	return fmt.Errorf("line %d is not in %s and does not name it: %q", n, ident, text)
}

// checkName checks a Go name in a code span, if it names the kit's code.
func (r *repo) checkName(span string) error {
	m := goName.FindStringSubmatch(closure.ReplaceAllString(span, ""))
	if m == nil || fileName.MatchString(span) {
		return nil
	}
	first, want := m[1], m[4]
	switch {
	case m[2] != "":
		want = m[2] + "." + m[3]
	case m[5] != "":
		want = m[4] + "." + m[5]
	}
	if names, ok := r.packages[first]; ok {
		if !names[want] && !names["*."+want] {
			return fmt.Errorf("no package %s of the repository declares %s", first, want)
		}
		return nil
	}
	if members, ok := r.types[first]; ok && m[5] == "" && m[2] == "" && !members[want] {
		return fmt.Errorf("no type %s of the repository has a method or field %s", first, want)
	}
	return nil
}

// columns is the width of a line as a terminal shows it, tabs every 8.
func columns(line string) int {
	n := 0
	for _, r := range line {
		if r == '\t' {
			n += 8 - n%8
		} else {
			n++
		}
	}
	return n
}

// TestDocsCitationRules shows each rule of TestDocsCitationsHold failing
// on a citation that drifted, and passing on one that holds.
func TestDocsCitationRules(t *testing.T) {
	r := newRepo()
	src := "package queue\n\n// Queue holds items.\ntype Queue struct{ items []int }\n\n" +
		"func (q *Queue) Get() int {\n\treturn q.items[0]\n}\n"
	if err := r.parse("coroutines/queue.go", []byte(src)); err != nil {
		t.Fatal(err)
	}
	const matches = "cites no line of code that matches:\n\tcoroutines/queue.go: "
	tests := []struct {
		text string // a line of a document, docs/x.md
		want string // its errors
	}{
		{"parked on Queue.Get (queue.go:7)", ""},
		{"parked on Queue.Get (coroutines/queue.go:6)", ""},
		{"parked on Queue.Get (queue.go:3)", "queue.go:3: " + matches + `line 3 holds no code: "// Queue holds items."`},
		{"parked on Queue.Get (queue.go:99)", "queue.go:99: " + matches + "line 99 is past its end (9 lines)"},
		{"parked on Queue.Put (queue.go:7)", "queue.go:7: " + matches + `line 7 is not in Put and does not name it: "return q.items[0]"`},
		{"parked at (timers/queue.go:7)", "timers/queue.go:7: no Go file timers/queue.go in the repository"},
		{"github.com/x/queue.Put (queue.go:7)", ""},
		{"`queue.Queue`, `queue.Get`, `Queue.items`, `time.Sleep`, `chat.svg`", ""},
		{"`queue.Put`", "`queue.Put`: no package queue of the repository declares Put"},
		{"`Queue.Put`", "`Queue.Put`: no type Queue of the repository has a method or field Put"},
	}
	for _, tt := range tests {
		var errs []string
		for _, err := range r.checkLine("docs/x.md", tt.text, false) {
			errs = append(errs, err.Error())
		}
		got := strings.Join(errs, "; ")
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: the errors differ (-want +got):\n%s", tt.text, diff)
		}
	}
	wide := "\t" + strings.Repeat("x", 93) // 101 columns
	if got := fmt.Sprint(r.checkLine("docs/x.md", wide, true)); got != "[a line of 101 columns in a code block, want at most 100]" {
		t.Errorf("a line of a tab and 93 letters in a code block: got %s, want it reported as 101 columns", got)
	}
}
