package step

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/loopkit/loopkit/tutorials/internal/todo"
)

// firstHole returns the first hole left in the exercise whose source is in
// dir, as "TODO(step03) in exercise/poller.go:51, in Register": a call of
// panic whose message starts with "TODO(step". It returns "" if there is
// none, or if dir cannot be read: then the exercise runs, and a hole it
// meets is reported where it panics.
func firstHole(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	fset := token.NewFileSet()
	for _, e := range entries { // ReadDir sorts by name: the first file's hole first
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, 0)
		if err != nil {
			continue // the compiler says what is wrong, better than this could
		}
		if hole := holeIn(fset, f); hole != "" {
			return hole
		}
	}
	return ""
}

// holeIn returns the first hole of one file, or "".
func holeIn(fset *token.FileSet, f *ast.File) string {
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		var hole string
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if tag := todoPanic(n); hole == "" && tag != "" {
				pos := fset.Position(n.Pos())
				hole = tag + " in " + filepath.Join(filepath.Base(filepath.Dir(pos.Filename)), filepath.Base(pos.Filename)) +
					":" + strconv.Itoa(pos.Line) + ", in " + fn.Name.Name
			}
			return hole == ""
		})
		if hole != "" {
			return hole
		}
	}
	return ""
}

// todoPanic returns "TODO(step03)" if n is a call of panic whose message
// is a skeleton's, written out or built with fmt.Sprintf or +; else "".
func todoPanic(n ast.Node) string {
	call, ok := n.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return ""
	}
	if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "panic" {
		return ""
	}
	var tag string
	ast.Inspect(call.Args[0], func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if ok && lit.Kind == token.STRING && tag == "" {
			s, _ := strconv.Unquote(lit.Value)
			if todo.IsTODO(s) {
				tag, _, _ = strings.Cut(s, ")")
				tag += ")"
			}
		}
		return tag == ""
	})
	return tag
}
