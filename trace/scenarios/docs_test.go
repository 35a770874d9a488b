package scenarios

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/loopkit/loopkit/internal/codemetrics"
)

// The documents whose quotes TestDocsQuoteTheSources keeps current, from
// this package's directory: the ones that show the diagrams.
var quotingDocs = []string{"../../docs/styles.md"}

// moduleRoot is where go.mod is, from this package's directory.
const moduleRoot = "../.."

// codeMarker finds <!-- code: PATH SYMBOL --> and the fenced block after
// it, with the syntax of tutorials/docs_test.go (whose test functions,
// in a _test.go file, cannot be imported): PATH is from the document's
// directory; SYMBOL is a declaration of a Go file ("echoCallbacks",
// "echoProtocol.DataReceived", "type echoProtocol"), or nothing for the
// whole file (a diagram). The block's first line names the file from the
// module's root.
var codeMarker = regexp.MustCompile("(?m)^<!-- code: (\\S+)(?: ([^>]*?))? -->\\n```(\\w*)\\n((?s:.*?))```\\n")

// TestDocsQuoteTheSources checks that every quoted block of the documents
// is what it quotes, as it is now: the examples' code, the diagrams of
// docs/diagrams, and the table of the styles' lines and nesting. With
// -update it rewrites them.
func TestDocsQuoteTheSources(t *testing.T) {
	for _, doc := range quotingDocs {
		text, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		quotes := 0
		rewritten := codeMarker.ReplaceAllStringFunc(string(text), func(block string) string {
			quotes++
			m := codeMarker.FindStringSubmatch(block)
			path, symbol, lang, got := m[1], strings.TrimSpace(m[2]), m[3], m[4]
			file := filepath.Join(filepath.Dir(doc), path)
			want, err := extract(file, symbol)
			if err != nil {
				t.Errorf("%s: <!-- code: %s %s -->: %v", doc, path, symbol, err)
				return block
			}
			want = "// " + repoPath(file) + "\n" + want
			if !*update && got != want {
				t.Errorf("%s: the block after <!-- code: %s %s --> is not the source (-source +block):\n%s\n"+
					"run: go generate ./trace/scenarios", doc, path, symbol, cmp.Diff(want, got))
			}
			return fmt.Sprintf("<!-- code: %s -->\n```%s\n%s```\n", strings.TrimSpace(path+" "+symbol), lang, want)
		})
		if quotes == 0 {
			t.Errorf("%s quotes nothing: are its markers broken?", doc)
		}
		rewritten = figuresMarker.ReplaceAllStringFunc(rewritten, func(block string) string {
			want, err := figuresTable()
			if err != nil {
				t.Errorf("%s: %v", doc, err)
				return block
			}
			got := figuresMarker.FindStringSubmatch(block)[1]
			if !*update && got != want {
				t.Errorf("%s: the table after %s is not what codemetrics measures (-measured +table):\n%s\nrun: go generate ./trace/scenarios",
					doc, figuresComment, cmp.Diff(want, got))
			}
			return figuresComment + "\n" + want
		})
		if *update && rewritten != string(text) {
			if err := os.WriteFile(doc, []byte(rewritten), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// figuresComment marks the table of lines and nesting of each style's
// file, which the test measures with internal/codemetrics (as loopkit
// compare does) and compares: the table runs to the first blank line.
const figuresComment = "<!-- code figures: internal/codemetrics of examples/PROGRAM/STYLE.go -->"

var figuresMarker = regexp.MustCompile("(?m)^" + regexp.QuoteMeta(figuresComment) + "\n((?:.+\n)*)")

// figuresTable returns the table of lines and nesting of every style's
// file of every program.
func figuresTable() (string, error) {
	styles := []string{"goroutines", "callbacks", "protocol", "coroutines"}
	var b strings.Builder
	fmt.Fprintf(&b, "| program | %s |\n|---------|%s\n", strings.Join(styles, " | "), strings.Repeat("-----------:|", len(styles)))
	for _, program := range []string{"echo", "chat", "fetch"} {
		fmt.Fprintf(&b, "| %-7s |", program)
		for _, style := range styles {
			lines, depth, err := codemetrics.MeasureFile(filepath.Join(moduleRoot, "examples", program, style+".go"))
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, " %d lines, depth %d |", lines, depth)
		}
		b.WriteString("\n")
	}
	return b.String(), nil
}

// repoPath names a file from the module's root, with slashes.
func repoPath(path string) string {
	rel, err := filepath.Rel(moduleRoot, path)
	if err != nil {
		return filepath.ToSlash(path)
	}
	return filepath.ToSlash(rel)
}

// extract returns what a marker quotes: the whole file, or a declaration
// of a Go file as go/printer prints it, doc comment included.
func extract(path, symbol string) (string, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if symbol == "" {
		return string(src), nil
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

// findDecl finds "Name", "Type.Method" or "type Name" in f.
func findDecl(f *ast.File, symbol string) ast.Decl {
	kind, name, ok := strings.Cut(symbol, " ")
	if !ok {
		kind, name = "", symbol
	}
	recv, method, isMethod := strings.Cut(name, ".")
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			switch {
			case kind != "" && kind != "func":
			case isMethod && receiverName(d) == recv && d.Name.Name == method:
				return d
			case !isMethod && d.Recv == nil && d.Name.Name == name:
				return d
			}
		case *ast.GenDecl:
			if isMethod || kind != "" && kind != d.Tok.String() {
				continue
			}
			for _, spec := range d.Specs {
				if ts, ok := spec.(*ast.TypeSpec); ok && ts.Name.Name == name {
					return d
				}
			}
		}
	}
	return nil
}

// receiverName returns the name of a method's receiver type, "" for a
// function.
func receiverName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return ""
	}
	typ := d.Recv.List[0].Type
	if star, ok := typ.(*ast.StarExpr); ok {
		typ = star.X
	}
	if id, ok := typ.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
