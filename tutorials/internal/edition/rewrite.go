package main

import (
	"bytes"
	"cmp"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"path"
	"slices"
	"strconv"
)

// withoutReference returns the Go file name of a step (its import path
// stepPath), whose source is src, without its import of the step's
// reference: the lines of that import and of the registry's entry keyed
// "solution" go, and any other name taken from the reference
// (solution.InSlices) is taken from the exercise instead, which the
// registry's type makes declare the same API. The edits are made to the
// text, not to the syntax tree, so that the comments stay where they were.
func withoutReference(name string, src []byte, stepPath string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	reference := importOf(f, stepPath+"/solution")
	exercise := importOf(f, stepPath+"/exercise")
	switch {
	case reference == nil:
		return src, nil
	case exercise == nil:
		return nil, fmt.Errorf("%s imports its step's reference but not its exercise: there is nothing to take the reference's names from", name)
	}
	refName, exName := importName(reference), importName(exercise)
	edits := []edit{wholeLines(fset, src, reference)}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.KeyValueExpr:
			if isReferenceEntry(n) {
				edits = append(edits, wholeLines(fset, src, n))
				return false
			}
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && id.Name == refName {
				edits = append(edits, edit{offset(fset, id.Pos()), offset(fset, id.End()), exName})
			}
		}
		return true
	})
	// From the end backwards, so that each edit's offsets still hold.
	slices.SortFunc(edits, func(a, b edit) int { return cmp.Compare(b.start, a.start) })
	out := slices.Clone(src)
	for _, e := range edits {
		out = slices.Concat(out[:e.start], []byte(e.text), out[e.end:])
	}
	return format.Source(out)
}

// An edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// wholeLines is the edit that deletes the lines n stands on, and the
// newline that ends them.
func wholeLines(fset *token.FileSet, src []byte, n ast.Node) edit {
	start, end := offset(fset, n.Pos()), offset(fset, n.End())
	start = bytes.LastIndexByte(src[:start], '\n') + 1
	if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
		end += i + 1
	}
	return edit{start: start, end: end}
}

func offset(fset *token.FileSet, p token.Pos) int { return fset.Position(p).Offset }

// importOf returns f's import of the package at path, or nil.
func importOf(f *ast.File, path string) *ast.ImportSpec {
	for _, s := range f.Imports {
		if p, _ := strconv.Unquote(s.Path.Value); p == path {
			return s
		}
	}
	return nil
}

// importName returns the name a file knows an import by: the one it
// gives, else the last element of the path (the package name of every
// exercise/ and solution/, which the steps name anyway).
func importName(s *ast.ImportSpec) string {
	if s.Name != nil {
		return s.Name.Name
	}
	p, _ := strconv.Unquote(s.Path.Value)
	return path.Base(p)
}

// isReferenceEntry reports whether kv is a registry's entry for the
// reference: "solution": solution.New.
func isReferenceEntry(kv *ast.KeyValueExpr) bool {
	key, ok := kv.Key.(*ast.BasicLit)
	return ok && key.Kind == token.STRING && key.Value == strconv.Quote("solution")
}
